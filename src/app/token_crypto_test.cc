#include "app/token_crypto.h"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace callbrief::app {
namespace {

using core::ErrorKind;

constexpr std::string_view kContext = "bitrix_app.installation";
constexpr const char* kHexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

TokenCipher Cipher(std::uint8_t fill = 7) {
  TokenCipher::Key key;
  key.fill(fill);
  return TokenCipher(key);
}

TEST(TokenCipherTest, OpensWhatItSealed) {
  auto sealed = Cipher().Seal(R"({"access_token":"s6p6eclrvim6da22"})", kContext);
  ASSERT_TRUE(sealed.ok());
  auto opened = Cipher().Open(*sealed, kContext);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, R"({"access_token":"s6p6eclrvim6da22"})");
}

TEST(TokenCipherTest, TheSealedValueDoesNotContainThePlaintextAndDiffersEveryTime) {
  auto first = Cipher().Seal("s6p6eclrvim6da22ft9ch94ekreb52lv", kContext);
  auto second = Cipher().Seal("s6p6eclrvim6da22ft9ch94ekreb52lv", kContext);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->starts_with("v1:"));
  EXPECT_EQ(first->find("s6p6eclrvim6da22"), std::string::npos);
  EXPECT_NE(*first, *second) << "a fresh nonce per seal";
}

TEST(TokenCipherTest, EveryChangedCharacterIsRefused) {
  auto sealed = Cipher().Seal("refresh-token-4s386p3q0tr8dy89", kContext);
  ASSERT_TRUE(sealed.ok());
  for (std::size_t i = 3; i < sealed->size(); ++i) {
    std::string tampered = *sealed;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    auto opened = Cipher().Open(tampered, kContext);
    ASSERT_FALSE(opened.ok()) << "position " << i;
    EXPECT_EQ(opened.error().kind, ErrorKind::kConfig);
    EXPECT_EQ(opened.error().message.find("refresh-token"), std::string::npos);
  }
}

TEST(TokenCipherTest, AnotherKeyOrContextOrAShortenedValueIsRefused) {
  auto sealed = Cipher().Seal("secret", kContext);
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(Cipher(8).Open(*sealed, kContext).ok());
  EXPECT_FALSE(Cipher().Open(*sealed, "another.setting").ok());
  EXPECT_FALSE(Cipher().Open(sealed->substr(0, sealed->size() - 4), kContext).ok());
  for (std::string_view junk : {"", "v1:", "v2:AAAA", "v1:!!!!", "plain text"}) {
    auto opened = Cipher().Open(junk, kContext);
    ASSERT_FALSE(opened.ok()) << junk;
    EXPECT_NE(opened.error().message.find("BITRIX24_APP_KEY"), std::string::npos);
  }
}

TEST(LoadTokenKeyTest, TakesTheVariableWhenSet) {
  testing::TempDir dir;
  auto key = LoadTokenKey(kHexKey, dir.path().string());
  ASSERT_TRUE(key.ok());
  EXPECT_EQ((*key)[0], 0);
  EXPECT_EQ((*key)[31], 31);
  EXPECT_TRUE(dir.List().empty()) << "no key file with the variable set";
  EXPECT_FALSE(LoadTokenKey("abc", dir.path().string()).ok());
}

TEST(LoadTokenKeyTest, CreatesAPrivateKeyFileOnceAndReadsItAfterwards) {
  testing::TempDir dir;
  auto first = LoadTokenKey("", dir.path().string());
  ASSERT_TRUE(first.ok()) << first.error().message;
  struct stat info {};
  ASSERT_EQ(::stat(dir.File("bitrix-app.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto second = LoadTokenKey("", dir.path().string());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
}

TEST(LoadTokenKeyTest, RefusesAKeyFileThatHoldsNoKey) {
  testing::TempDir dir;
  std::ofstream(dir.File("bitrix-app.key")) << "not a key\n";
  auto key = LoadTokenKey("", dir.path().string());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().kind, ErrorKind::kConfig);
}

}  // namespace
}  // namespace callbrief::app
