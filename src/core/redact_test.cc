#include "core/redact.h"

#include <gtest/gtest.h>

namespace callbrief::core {
namespace {

struct Case {
  std::string input;
  std::string expected;
};

TEST(RedactorTest, MasksRegisteredSecretsWhereverTheyAppear) {
  Redactor r;
  r.AddSecret("sk-live-12345");
  r.AddSecret("hunter22");
  EXPECT_EQ(r.Apply("curl: (22) auth failed for key sk-live-12345 (hunter22)"),
            "curl: (22) auth failed for key *** (***)");
}

TEST(RedactorTest, IgnoresSecretsTooShortToMaskSafely) {
  Redactor r;
  r.AddSecret("ab");
  EXPECT_EQ(r.Apply("abc tab"), "abc tab");
}

TEST(RedactorTest, MasksTheLongerSecretWhole) {
  Redactor r;
  r.AddSecret("token");
  r.AddSecret("token-extended");
  EXPECT_EQ(r.Apply("x token-extended y token"), "x *** y ***");
}

TEST(RedactorTest, MasksSecretShapesWithoutRegistration) {
  Redactor r;
  for (const Case& c : std::vector<Case>{
           {"GET https://acme.bitrix24.ru/rest/1/q1w2e3r4t5/voximplant.statistic.get.json",
            "GET https://acme.bitrix24.ru/rest/1/***/voximplant.statistic.get.json"},
           {"POST https://api.telegram.org/bot123456:AAE_x-yZ/sendMessage",
            "POST https://api.telegram.org/bot123456:***/sendMessage"},
           {"Authorization: Bearer sk-abc.def", "Authorization: Bearer ***"},
           {"auth%5Bapplication_token%5D=abc123&ts=1", "auth%5Bapplication_token%5D=***&ts=1"},
           {"auth[application_token]=abc123&ts=1", "auth[application_token]=***&ts=1"},
           {R"({"access_token": "tok1", "x": 1})", R"({"access_token": "***", "x": 1})"},
           {"refresh_token=r1 next", "refresh_token=*** next"},
           {"postgresql://app:pa55@db:5432/calls", "postgresql://app:***@db:5432/calls"},
           {"nothing secret here /rest/api/x", "nothing secret here /rest/api/x"},
           // Disk DOWNLOAD_URLs of an inbound webhook: the code in the path, a signed copy of it
           // in `token` (crm/disk answers as seen on real portals: …/download/?token=disk%7C…).
           {"GET https://acme.bitrix24.ru/rest/1/q1w2e3r4t5/download/?token=disk%7CaWQ9NTky%7CImRv"
            "d25sb2Fk.Lc1o failed",
            "GET https://acme.bitrix24.ru/rest/1/***/download/?token=*** failed"},
           {"https://acme.bitrix24.ru/rest/1/q1w2e3r4t5/download/?token=disk|aWQ9|ImRv&x=1",
            "https://acme.bitrix24.ru/rest/1/***/download/?token=***&x=1"},
           {"/rest/download.json?auth=0a1b2c3d&token=disk%7Cxyz",
            "/rest/download.json?auth=***&token=***"},
           {"a token=abc is not a query", "a token=abc is not a query"},
       }) {
    EXPECT_EQ(r.Apply(c.input), c.expected) << c.input;
  }
}

TEST(RedactorTest, MaskingIsIdempotent) {
  Redactor r;
  r.AddSecret("abcdef");
  std::string once = r.Apply("key=abcdef /rest/1/abcdef/ Bearer abcdef");
  EXPECT_EQ(r.Apply(once), once);
}

}  // namespace
}  // namespace callbrief::core
