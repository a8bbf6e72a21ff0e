#include "core/ip_address.h"

#include <string>

#include <gtest/gtest.h>

namespace callbrief::core {
namespace {

TEST(IsPrivateAddressLiteralTest, EveryNonPublicRangeIsPrivate) {
  for (const char* host : {"0.0.0.0",
                           "0.1.2.3",
                           "10.0.0.1",
                           "100.64.0.1",
                           "100.127.255.254",
                           "127.0.0.1",
                           "127.255.0.9",
                           "169.254.169.254",
                           "172.16.0.1",
                           "172.31.255.255",
                           "192.0.0.1",
                           "192.0.0.255",
                           "192.168.1.1",
                           "198.18.0.1",
                           "198.19.255.255",
                           "224.0.0.1",
                           "239.255.255.250",
                           "240.0.0.1",
                           "255.255.255.255",
                           "::",
                           "::1",
                           "[::1]",
                           "fc00::1",
                           "fd12:3456::1",
                           "fe80::1",
                           "[fe80::1%eth0]",
                           "ff02::1",
                           "ff05::1:3",
                           "64:ff9b::a9fe:a9fe",
                           "64:ff9b::808:808",
                           "::ffff:10.0.0.1",
                           "::ffff:169.254.169.254",
                           "::ffff:100.64.0.1",
                           "::127.0.0.1"}) {
    EXPECT_TRUE(IsPrivateAddressLiteral(host)) << host;
  }
}

TEST(IsPrivateAddressLiteralTest, PublicAddressesAreNot) {
  for (const char* host :
       {"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.0.1", "172.32.0.1",
        "192.0.1.1", "192.169.0.1", "198.17.255.255", "198.20.0.0", "223.255.255.255",
        "2a00:1450:4010::64", "::ffff:8.8.8.8", "64:ff9c::1", "fec0::1"}) {
    EXPECT_FALSE(IsPrivateAddressLiteral(host)) << host;
  }
}

TEST(IsPrivateAddressLiteralTest, NamesAreNeverPrivateByThisTest) {
  for (const char* host : {"localhost", "portal.bitrix24.ru", "cafe", "0x.example", ""}) {
    EXPECT_FALSE(IsPrivateAddressLiteral(host)) << host;
  }
}

TEST(IsPrivateAddressLiteralTest, NumericSpellingsOfPrivateIpv4AreCaught) {
  // Each is 127.0.0.1 or 169.254.169.254 to inet_aton, libcurl and browsers.
  for (const char* host :
       {"2130706433", "0x7f000001", "0x7F.1", "0177.0.0.1", "127.1", "127.0.1", "2852039166",
        "0xa9.0xfe.0xa9.0xfe", "0251.0376.0251.0376", "127.0.0.1."}) {
    EXPECT_TRUE(IsPrivateAddressLiteral(host)) << host;
  }
}

TEST(ParseHostAddressTest, NumericFormsMeanTheirIpv4Address) {
  EXPECT_EQ(ParseHostAddress("2130706433"), ParseIpAddress("127.0.0.1"));
  EXPECT_EQ(ParseHostAddress("134744072"), ParseIpAddress("8.8.8.8"));
  EXPECT_FALSE(ParseHostAddress("127.0.0.1 evil"));
  EXPECT_FALSE(ParseHostAddress("1.2.3.4.5"));
}

TEST(ParseIpAddressTest, Ipv4AndItsMappedFormAreTheSameAddress) {
  auto v4 = ParseIpAddress("192.0.2.7");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->IsV4());
  EXPECT_EQ(v4, ParseIpAddress("::ffff:192.0.2.7"));
  EXPECT_FALSE(ParseIpAddress("2130706433"));  // Only dotted quads are strict literals.
}

TEST(IpNetworkTest, ContainsTheAddressesOfItsPrefix) {
  auto network = ParseIpNetwork("10.1.0.0/16");
  ASSERT_TRUE(network.ok());
  EXPECT_TRUE(network->Contains(*ParseIpAddress("10.1.200.3")));
  EXPECT_TRUE(network->Contains(*ParseIpAddress("::ffff:10.1.0.9")));
  EXPECT_FALSE(network->Contains(*ParseIpAddress("10.2.0.1")));

  auto odd = ParseIpNetwork("172.16.0.0/12");
  ASSERT_TRUE(odd.ok());
  EXPECT_TRUE(odd->Contains(*ParseIpAddress("172.31.1.1")));
  EXPECT_FALSE(odd->Contains(*ParseIpAddress("172.32.0.1")));

  auto v6 = ParseIpNetwork("fd00::/8");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->Contains(*ParseIpAddress("fd12::1")));
  EXPECT_FALSE(v6->Contains(*ParseIpAddress("fe80::1")));
}

TEST(IpNetworkTest, ASingleAddressIsItsOwnRange) {
  auto network = ParseIpNetwork("192.0.2.7");
  ASSERT_TRUE(network.ok());
  EXPECT_TRUE(network->Contains(*ParseIpAddress("192.0.2.7")));
  EXPECT_FALSE(network->Contains(*ParseIpAddress("192.0.2.8")));
}

TEST(IpNetworkTest, ZeroPrefixContainsEverything) {
  auto all = ParseIpNetwork("::/0");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->Contains(*ParseIpAddress("8.8.8.8")));
}

TEST(ParseIpNetworksTest, ReadsAListAndNamesTheFirstBadEntry) {
  auto list = ParseIpNetworks("127.0.0.1, 10.0.0.0/8 fd00::/8");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 3u);
  EXPECT_TRUE(InAnyNetwork(*list, *ParseIpAddress("10.9.9.9")));
  EXPECT_FALSE(InAnyNetwork(*list, *ParseIpAddress("11.0.0.1")));
  EXPECT_TRUE(ParseIpNetworks("").ok());

  for (const char* bad : {"proxy.local", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8x", "::/129"}) {
    auto parsed = ParseIpNetworks(std::string("127.0.0.1,") + bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find(bad), std::string::npos) << parsed.error().message;
  }
}

}  // namespace
}  // namespace callbrief::core
