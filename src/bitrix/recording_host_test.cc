#include "bitrix/recording_host.h"

#include <gtest/gtest.h>

namespace callbrief::bitrix {
namespace {

TEST(IsPrivateAddressLiteralTest, KnowsThePrivateLoopbackAndLinkLocalRanges) {
  struct Case {
    const char* host;
    bool is_private;
  };
  const Case cases[] = {
      {"10.0.0.1", true},
      {"10.255.255.255", true},
      {"172.16.0.1", true},
      {"172.31.255.255", true},
      {"172.15.255.255", false},
      {"172.32.0.1", false},
      {"192.168.1.10", true},
      {"192.169.0.1", false},
      {"127.0.0.1", true},
      {"127.8.9.10", true},
      {"169.254.169.254", true},
      {"169.253.0.1", false},
      {"0.0.0.0", true},
      {"8.8.8.8", false},
      {"95.213.0.1", false},
      {"::1", true},
      {"[::1]", true},
      {"[::]", true},
      {"[fc00::1]", true},
      {"[fd12:3456::1]", true},
      {"[fe80::1]", true},
      {"[febf::1]", true},
      {"[fec0::1]", false},
      {"[2001:db8::1]", false},
      {"[::ffff:10.0.0.1]", true},
      {"[::ffff:8.8.8.8]", false},
      {"[fe80::1%25eth0]", true},
      {"100.64.0.1", true},
      {"198.18.0.1", true},
      {"192.0.0.8", true},
      {"224.0.0.251", true},
      {"[ff02::1]", true},
      {"[64:ff9b::a9fe:a9fe]", true},
      {"2130706433", true},
      {"0x7f.1", true},
      {"0251.0376.0251.0376", true},
      {"portal.bitrix24.ru", false},
      {"10.0.0.1.nip.io", false},
      {"localhost", false},
      {"", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsPrivateAddressLiteral(c.host), c.is_private) << c.host;
  }
}

TEST(CheckRecordingHostTest, AllowsOnlyThePortalAndListedHostsExactly) {
  const RecordingHosts hosts{"portal.bitrix24.ru", {"storage.voximplant.com", "Records.Example"}};
  struct Case {
    const char* url;
    bool allowed;
  };
  const Case cases[] = {
      {"https://portal.bitrix24.ru/rest/download.json?auth=x&token=y", true},
      {"https://PORTAL.Bitrix24.RU/x", true},
      {"https://portal.bitrix24.ru./x", true},
      {"https://portal.bitrix24.ru:8443/x", true},
      {"https://storage.voximplant.com/records/1.mp3", true},
      {"https://records.example/1.mp3", true},
      {"https://sub.portal.bitrix24.ru/x", false},
      {"https://portal.bitrix24.ru.evil.com/x", false},
      {"https://evil.com/?host=portal.bitrix24.ru", false},
      {"https://portal.bitrix24.ru@evil.com/x", false},
      {"https://voximplant.com/x", false},
      {"not a url", false},
      {"", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CheckRecordingHost(c.url, hosts).ok(), c.allowed) << c.url;
  }
}

TEST(CheckRecordingHostTest, ARefusedHostIsPermanentNamedAndTheOperatorIsToldWhatToDo) {
  auto status = CheckRecordingHost("https://evil.example.com/a.mp3?token=SIGNATURE",
                                   {"portal.bitrix24.ru", {}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::kPermanent);
  EXPECT_NE(status.error().message.find("evil.example.com"), std::string::npos);
  EXPECT_NE(status.error().message.find("to RECORDING_HOSTS if it is trusted"), std::string::npos);
  EXPECT_EQ(status.error().message.find("SIGNATURE"), std::string::npos);
  EXPECT_EQ(status.error().message.find("a.mp3"), std::string::npos);
}

// CALL_RECORD_URL lives on Voximplant's storage (storage-gw-<region>-<n>.voximplant.com, as the
// statistic's CALL_LOG shows) whose host varies from call to call: a suffix rule covers it.
TEST(CheckRecordingHostTest, ALeadingDotAllowsEveryNameUnderTheDomain) {
  const RecordingHosts hosts{"portal.bitrix24.ru", {".voximplant.com", ".PBX.Example.org."}};
  struct Case {
    const char* url;
    bool allowed;
  };
  const Case cases[] = {
      {"https://storage-gw-ru-03.voximplant.com/records/1.mp3", true},
      {"https://a.b.voximplant.com/x", true},
      {"https://STORAGE.VOXIMPLANT.COM./x", true},
      {"https://rec.pbx.example.org/x", true},
      {"https://voximplant.com/x", false},  // The rule names what is under it, not the domain.
      {"https://evilvoximplant.com/x", false},
      {"https://voximplant.com.evil.net/x", false},
      {"https://storage.voximplant.com@evil.net/x", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CheckRecordingHost(c.url, hosts).ok(), c.allowed) << c.url;
  }
}

TEST(CheckRecordingHostTest, ASuffixRuleMustNameADomainNotATopLevelOne) {
  for (const char* rule : {".com", ".", "", ".ru.", "*.voximplant.com", "..voximplant.com",
                           ".voximplant..com", "https://x.com", "x.com/records", "x.com:443"}) {
    EXPECT_FALSE(IsValidRecordingHostRule(rule)) << rule;
    EXPECT_FALSE(CheckRecordingHost("https://storage.voximplant.com/x", {"portal", {rule}}).ok())
        << rule;
  }
  for (const char* rule : {".voximplant.com", "storage.voximplant.com", "records.example",
                           "localhost", "10.0.0.5", "[::1]"}) {
    EXPECT_TRUE(IsValidRecordingHostRule(rule)) << rule;
  }
}

TEST(CheckRecordingHostTest, APrivateAddressIsRefusedEvenWhenListed) {
  const RecordingHosts hosts{"portal.bitrix24.ru", {"10.0.0.5", "127.0.0.1", "[::1]"}};
  for (const char* url : {"http://10.0.0.5/rec.mp3", "http://127.0.0.1:8080/rec.mp3",
                          "http://2130706433/rec.mp3", "http://[::1]/rec.mp3"}) {
    auto status = CheckRecordingHost(url, hosts);
    ASSERT_FALSE(status.ok()) << url;
    EXPECT_EQ(status.error().kind, core::ErrorKind::kPermanent);
    EXPECT_NE(status.error().message.find("private, loopback or link-local"), std::string::npos)
        << status.error().message;
  }
}

TEST(CheckRecordingHostTest, ThePortalItselfMayBeAPrivateAddress) {
  EXPECT_TRUE(
      CheckRecordingHost("http://127.0.0.1:18080/rest/download.json", {"127.0.0.1", {}}).ok());
  EXPECT_TRUE(CheckRecordingHost("http://[::1]:18080/x", {"[::1]", {}}).ok());
  EXPECT_TRUE(CheckRecordingHost("http://[::1]:18080/x", {"::1", {}}).ok());
  EXPECT_TRUE(CheckRecordingHost("http://192.168.0.7/x", {"192.168.0.7", {}}).ok());
  // Being the portal does not make other private addresses acceptable.
  EXPECT_FALSE(CheckRecordingHost("http://127.0.0.2/x", {"127.0.0.1", {}}).ok());
}

TEST(MakeRedirectApprovalTest, ApprovesAllowedHostsAndRecordsWhyOthersAreRefused) {
  std::string refusal;
  auto approve = MakeRedirectApproval({"portal.bitrix24.ru", {"storage.voximplant.com"}}, &refusal);
  EXPECT_TRUE(approve("https://storage.voximplant.com/r.mp3?sig=1"));
  EXPECT_TRUE(approve("https://portal.bitrix24.ru/disk/1"));
  EXPECT_TRUE(refusal.empty());

  EXPECT_FALSE(approve("https://cdn.elsewhere.net/r.mp3?sig=SECRET"));
  EXPECT_NE(refusal.find("cdn.elsewhere.net"), std::string::npos);
  EXPECT_NE(refusal.find("RECORDING_HOSTS"), std::string::npos);
  EXPECT_EQ(refusal.find("SECRET"), std::string::npos);

  EXPECT_FALSE(approve("http://169.254.169.254/latest/meta-data/"));
  EXPECT_NE(refusal.find("169.254.169.254"), std::string::npos);
}

TEST(MakeRedirectApprovalTest, WorksWithoutARefusalSink) {
  auto approve = MakeRedirectApproval({"portal.bitrix24.ru", {}}, nullptr);
  EXPECT_TRUE(approve("https://portal.bitrix24.ru/x"));
  EXPECT_FALSE(approve("https://evil.example.com/x"));
}

}  // namespace
}  // namespace callbrief::bitrix
