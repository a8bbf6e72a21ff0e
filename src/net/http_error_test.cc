#include "net/http_error.h"

#include <gtest/gtest.h>

#include "core/redact.h"

namespace callbrief::net {
namespace {

using core::ErrorKind;
using std::chrono::milliseconds;
using std::chrono::seconds;

core::TimePoint At(std::string_view iso8601) {
  core::TimePoint at;
  EXPECT_TRUE(core::ParseIso8601(iso8601, &at)) << iso8601;
  return at;
}

const core::TimePoint kNow = At("2026-11-24T12:00:00Z");

HttpResponse Response(int status, std::string body = {}, Headers headers = {}) {
  return {status, std::move(headers), std::move(body)};
}

TEST(ErrorForStatusTest, TheStatusDecidesWhatTheCallerShouldDo) {
  struct Case {
    int status;
    ErrorKind kind;
  };
  for (Case c : {Case{400, ErrorKind::kPermanent}, Case{401, ErrorKind::kPermanent},
                 Case{403, ErrorKind::kPermanent}, Case{404, ErrorKind::kPermanent},
                 Case{413, ErrorKind::kPermanent}, Case{422, ErrorKind::kPermanent},
                 Case{408, ErrorKind::kTransient}, Case{425, ErrorKind::kTransient},
                 Case{429, ErrorKind::kRateLimited}, Case{500, ErrorKind::kTransient},
                 Case{502, ErrorKind::kTransient}, Case{503, ErrorKind::kTransient},
                 Case{504, ErrorKind::kTransient}, Case{599, ErrorKind::kTransient},
                 Case{302, ErrorKind::kPermanent}, Case{200, ErrorKind::kPermanent}}) {
    EXPECT_EQ(ErrorForStatus(Response(c.status), "ctx", kNow).kind, c.kind) << c.status;
  }
}

TEST(ErrorForStatusTest, OnlyRateLimitingCarriesARetryAfter) {
  Headers retry_after = {{"retry-after", "7"}};
  EXPECT_EQ(ErrorForStatus(Response(429, "", retry_after), "ctx", kNow).retry_after, seconds(7));
  EXPECT_EQ(ErrorForStatus(Response(503, "", retry_after), "ctx", kNow).retry_after, std::nullopt);
}

TEST(ErrorForStatusTest, RetryAfterMayBeAnHttpDate) {
  Headers date = {{"retry-after", "Tue, 24 Nov 2026 12:00:30 GMT"}};
  EXPECT_EQ(ErrorForStatus(Response(429, "", date), "ctx", kNow).retry_after, seconds(30));
}

TEST(ErrorForStatusTest, RetryAfterMillisecondsWinWhenGiven) {
  Headers both = {{"retry-after", "2"}, {"retry-after-ms", "1500"}};
  EXPECT_EQ(ErrorForStatus(Response(429, "", both), "ctx", kNow).retry_after, milliseconds(1500));
}

TEST(ErrorForStatusTest, AMissingOrUnreadableRetryAfterGivesNoHint) {
  EXPECT_EQ(ErrorForStatus(Response(429), "ctx", kNow).retry_after, std::nullopt);
  Headers garbage = {{"retry-after", "soon"}};
  core::Error error = ErrorForStatus(Response(429, "", garbage), "ctx", kNow);
  EXPECT_EQ(error.kind, ErrorKind::kRateLimited);
  EXPECT_EQ(error.retry_after, std::nullopt);
}

TEST(ParseRetryAfterTest, ReadsSecondsAndDates) {
  EXPECT_EQ(ParseRetryAfter("0", kNow), seconds(0));
  EXPECT_EQ(ParseRetryAfter(" 120 ", kNow), seconds(120));
  EXPECT_EQ(ParseRetryAfter("Tue, 24 Nov 2026 12:01:00 GMT", kNow), seconds(60));
  EXPECT_EQ(ParseRetryAfter("Tuesday, 24-Nov-26 12:01:00 GMT", kNow), seconds(60));  // RFC 850
  EXPECT_EQ(ParseRetryAfter("Tue, 24 Nov 2026 11:00:00 GMT", kNow), seconds(0));     // Past.
  EXPECT_EQ(ParseRetryAfter("-5", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("1.5", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", kNow), std::nullopt);
}

TEST(ParseRetryAfterTest, ADateTheClockCannotHoldIsNoHintRatherThanAnOverflow) {
  // Found by fuzz/time_fuzz: year 4052 overflowed the nanosecond clock (undefined behaviour).
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 4052 07:28:00 GMT", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2037 07:28:00 GMT", kNow), std::nullopt);  // Years away.
}

TEST(ErrorForStatusTest, TheMessageNamesContextStatusAndBody) {
  EXPECT_EQ(ErrorForStatus(Response(404, "File not found\n"), "fetching recording", kNow).message,
            "fetching recording: HTTP 404 File not found");
  EXPECT_EQ(ErrorForStatus(Response(502), "calling disk.file.get", kNow).message,
            "calling disk.file.get: HTTP 502");
}

TEST(ErrorForStatusTest, TheMessageIsRedacted) {
  core::Error error = ErrorForStatus(
      Response(401, R"({"error":"bad","url":"https://x.bitrix24.ru/rest/1/SECRETCODE/a.json"})"),
      "sending to https://api.telegram.org/bot123:TOKENSECRET/sendMessage", kNow);
  EXPECT_EQ(error.message.find("SECRETCODE"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("TOKENSECRET"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("HTTP 401"), std::string::npos);
}

TEST(BodyExcerptTest, CollapsesWhitespaceAndControlCharacters) {
  EXPECT_EQ(BodyExcerpt("  <html>\r\n\t<body>  Bad\x01Gateway </body>\n"),
            "<html> <body> Bad Gateway </body>");
}

TEST(BodyExcerptTest, CutsLongBodiesToTheLimitWithAnEllipsis) {
  std::string excerpt = BodyExcerpt(std::string(1000, 'a'));
  EXPECT_EQ(excerpt, std::string(199, 'a') + "…");
  EXPECT_EQ(BodyExcerpt(std::string(200, 'a')), std::string(200, 'a'));
}

TEST(BodyExcerptTest, CountsCharactersNotBytesAndNeverSplitsOne) {
  std::string russian;
  for (int i = 0; i < 300; ++i) russian += "ж";
  std::string excerpt = BodyExcerpt(russian, 10);
  std::string expected;
  for (int i = 0; i < 9; ++i) expected += "ж";
  EXPECT_EQ(excerpt, expected + "…");
}

TEST(BodyExcerptTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(BodyExcerpt("ok \xff\xfe end \xd0"), "ok ?? end ?");
}

TEST(BodyExcerptTest, MasksSecretsBeforeCuttingSoNoPrefixOfOneSurvives) {
  core::GlobalRedactor().AddSecret("sk-abcdefghijklmnop");
  std::string excerpt = BodyExcerpt(std::string(190, 'x') + " sk-abcdefghijklmnop");
  EXPECT_EQ(excerpt, std::string(190, 'x') + " ***");
}

}  // namespace
}  // namespace callbrief::net
