#include "bitrix/rest_client.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"
#include "testing/manual_clock.h"

namespace callbrief::bitrix {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;

constexpr const char* kWebhook = "https://acme.bitrix24.ru/rest/1/hookcode123/";

class RestClientTest : public ::testing::Test {
 protected:
  FakeHttpClient http_;
  std::unique_ptr<RestClient> client_ = MakeRestClient(http_, nullptr, {.webhook_url = kWebhook});
};

TEST_F(RestClientTest, PostsJsonParamsToTheMethodUnderTheWebhook) {
  http_.Reply(200, R"({"result":[{"ID":"1"}],"total":1,"time":{"start":1}})");
  auto reply = client_->Call("voximplant.statistic.get", {{"FILTER", {{"CALL_ID", "X.1"}}}});
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->result[0]["ID"], "1");
  EXPECT_EQ(reply->total, 1);
  EXPECT_FALSE(reply->next.has_value());
  auto sent = http_.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, std::string(kWebhook) + "voximplant.statistic.get.json");
  EXPECT_EQ(nlohmann::json::parse(sent.body)["FILTER"]["CALL_ID"], "X.1");
}

TEST_F(RestClientTest, ReadsTheNextPageOffset) {
  http_.Reply(200, R"({"result":[],"total":120,"next":50})");
  auto reply = client_->Call("voximplant.statistic.get", nlohmann::json::object());
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->next, 50);
}

TEST_F(RestClientTest, WithoutAWebhookUrlEveryCallIsAConfigurationError) {
  auto unconfigured = MakeRestClient(http_, nullptr, {});
  auto reply = unconfigured->Call("profile", {});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().kind, ErrorKind::kConfig);
  EXPECT_NE(reply.error().message.find("BITRIX24_WEBHOOK_URL"), std::string::npos);
}

TEST_F(RestClientTest, TransportFailuresStayTransientWithTheMethodNamed) {
  http_.Fail(core::Error::Transient("connection reset"));
  auto reply = client_->Call("disk.file.get", {{"id", 5}});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(reply.error().message, "Bitrix24 disk.file.get: connection reset");
}

TEST_F(RestClientTest, AnHtmlErrorPageIsClassifiedByStatus) {
  http_.Reply(502, "<html>Bad gateway</html>");
  auto reply = client_->Call("profile", {});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().kind, ErrorKind::kTransient);
}

// Every shape an answer can take, including ones no documentation promises. None may throw out
// of Call (a numeric `error` once terminated the process, and the call crashed it again after each
// restart); each becomes a result or an Error whose kind the retry policy understands.
struct EnvelopeCase {
  int status;
  std::string body;
  bool ok;           // A result; otherwise an Error of `kind`.
  ErrorKind kind;    // Ignored when ok.
  std::string says;  // In the error message ("" for ok).
};

TEST_F(RestClientTest, NoEnvelopeShapeThrowsOutOfCall) {
  const auto kOk = ErrorKind::kPermanent;  // Placeholder kind for successful cases.
  const std::vector<EnvelopeCase> cases{
      // What the documentation shows.
      {200, R"({"result":5,"time":{"start":1}})", true, kOk, ""},
      {200, R"({"result":null})", true, kOk, ""},
      {400, R"({"error":"ERROR_CORE","error_description":"x"})", false, ErrorKind::kPermanent,
       "ERROR_CORE: x"},
      // D7 controllers: the code is a number (crm.timeline.comment.add: 100).
      {400, R"({"error":100,"error_description":"Required fields"})", false, ErrorKind::kPermanent,
       "HTTP 400 100: Required fields"},
      {400, R"({"error":0,"error_description":"Access denied"})", false, ErrorKind::kPermanent,
       "Access denied"},
      {400, R"({"error":-1.5})", false, ErrorKind::kPermanent, "-1.5"},
      {400, R"({"error":18446744073709551615})", false, ErrorKind::kPermanent,
       "18446744073709551615"},
      // The old CRM proxy: an empty or null code, the text in error_description.
      {400, R"({"error":"","error_description":"Activity is not found."})", false,
       ErrorKind::kPermanent, "Activity is not found."},
      {400, R"({"error":null,"error_description":"Not found"})", false, ErrorKind::kPermanent,
       "Not found"},
      {200, R"({"error":"","error_description":"ID is not defined or invalid."})", false,
       ErrorKind::kPermanent, "ID is not defined"},
      // Shapes nobody documents: every field of the wrong type.
      {400, R"({"error":true})", false, ErrorKind::kPermanent, "HTTP 400"},
      {400, R"({"error":["A","B"]})", false, ErrorKind::kPermanent, "HTTP 400"},
      {400, R"({"error":{"code":"X"}})", false, ErrorKind::kPermanent, "HTTP 400"},
      {400, R"({"error":"X","error_description":42})", false, ErrorKind::kPermanent, "X: 42"},
      {400, R"({"error":"X","error_description":{"a":1}})", false, ErrorKind::kPermanent,
       "HTTP 400 X"},
      {400, R"({"error":"X","error_description":null})", false, ErrorKind::kPermanent, "X"},
      {429, R"({"error":"OPERATION_TIME_LIMIT","time":{"operating_reset_at":"soon"}})", false,
       ErrorKind::kRateLimited, "OPERATION_TIME_LIMIT"},
      {429, R"({"error":"OPERATION_TIME_LIMIT","time":"now"})", false, ErrorKind::kRateLimited,
       "OPERATION_TIME_LIMIT"},
      {429, R"({"error":"OPERATION_TIME_LIMIT","time":{"operating_reset_at":1e300}})", false,
       ErrorKind::kRateLimited, "OPERATION_TIME_LIMIT"},
      {200, R"({"result":[],"total":"many","next":{"x":1}})", true, kOk, ""},
      {200, R"({"result":[],"total":1e99,"next":-5})", true, kOk, ""},
      // Not an object at all.
      {200, R"([1,2,3])", false, ErrorKind::kPermanent, "HTTP 200"},
      {200, R"("result")", false, ErrorKind::kPermanent, "HTTP 200"},
      {200, R"(null)", false, ErrorKind::kPermanent, "HTTP 200"},
      {500, R"(42)", false, ErrorKind::kTransient, "HTTP 500"},
      {200, R"({})", false, ErrorKind::kPermanent, "HTTP 200"},
      {200, "", false, ErrorKind::kTransient, "not JSON"},
      {200, R"({"result":)", false, ErrorKind::kTransient, "not JSON"},
      {503, "\xff\xfe garbage", false, ErrorKind::kTransient, "HTTP 503"},
  };
  int n = 0;
  for (const EnvelopeCase& c : cases) {
    http_.Reply(c.status, c.body);
    // A method of its own per case: an OPERATION_TIME_LIMIT blocks the method it came from.
    const std::string method = "crm.timeline.comment.add" + std::to_string(++n);
    core::Result<RestResponse> reply = [&] {
      try {
        return client_->Call(method, nlohmann::json::object());
      } catch (const std::exception& e) {
        ADD_FAILURE() << c.body << " threw " << e.what();
        return core::Result<RestResponse>(core::Error::Permanent("threw"));
      }
    }();
    if (c.ok) {
      EXPECT_TRUE(reply.ok()) << c.body << ": " << reply.error().message;
      continue;
    }
    ASSERT_FALSE(reply.ok()) << c.body;
    EXPECT_EQ(reply.error().kind, c.kind) << c.body << ": " << reply.error().message;
    EXPECT_NE(reply.error().message.find(c.says), std::string::npos)
        << c.body << ": " << reply.error().message;
  }
}

TEST(ErrorCodeOfTest, ReadsStringNumericAndNullCodesAsText) {
  EXPECT_EQ(ErrorCodeOf(nlohmann::json::parse(R"({"error":"NOT_FOUND"})")), "NOT_FOUND");
  EXPECT_EQ(ErrorCodeOf(nlohmann::json::parse(R"({"error":100})")), "100");
  EXPECT_EQ(ErrorCodeOf(nlohmann::json::parse(R"({"error":null})")), "");
  EXPECT_EQ(ErrorCodeOf(nlohmann::json::parse(R"({"error":[1]})")), "");
  EXPECT_EQ(ErrorCodeOf(nlohmann::json::parse(R"([1])")), "");
}

TEST(ErrorFromReplyTest, KeepsANumericCodeAsTextInTheCodeField) {
  auto error =
      ErrorFromReply("crm.timeline.comment.add", 400, nlohmann::json::parse(R"({"error":100})"),
                     core::SystemClock::Instance().Now());
  EXPECT_EQ(error.code, "100");
  EXPECT_EQ(error.kind, ErrorKind::kPermanent);
}

struct ErrorCase {
  int status;
  std::string body;
  ErrorKind kind;
  std::string says;
};

TEST(ErrorFromReplyTest, EachDocumentedErrorTellsWhatToDo) {
  const core::TimePoint now = core::FromUnixMillis(1'800'000'000'000);
  for (
      const ErrorCase& c : std::vector<ErrorCase>{
          {503, R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})",
           ErrorKind::kRateLimited, "request budget"},
          {429, R"({"error":"OPERATION_TIME_LIMIT","time":{"operating_reset_at":1800000042}})",
           ErrorKind::kRateLimited, "OPERATION_TIME_LIMIT"},
          {401,
           R"({"error":"OVERLOAD_LIMIT","error_description":"REST API is blocked due to overload"})",
           ErrorKind::kConfig, "only Bitrix24 technical support can lift it"},
          {503, R"({"error":"OVERLOAD_LIMIT"})", ErrorKind::kConfig, "manual"},
          {401,
           R"({"error":"INVALID_CREDENTIALS","error_description":"Invalid request credentials"})",
           ErrorKind::kConfig, "check BITRIX24_WEBHOOK_URL"},
          {401,
           R"({"error":"ACCESS_DENIED","error_description":"REST is available only by subscription"})",
           ErrorKind::kConfig, "plan does not include the REST API"},
          {500, R"({"error":"INTERNAL_SERVER_ERROR"})", ErrorKind::kTransient, "HTTP 500"},
          {401, R"({"error":"NO_AUTH_FOUND","error_description":"Wrong authorization data"})",
           ErrorKind::kConfig, "check BITRIX24_WEBHOOK_URL"},
          {401, R"({"error":"expired_token"})", ErrorKind::kConfig, "BITRIX24_WEBHOOK_URL"},
          {403, R"({"error":"insufficient_scope"})", ErrorKind::kConfig, "add the \"disk\" scope"},
          {403, R"({"error":"ACCESS_DENIED"})", ErrorKind::kConfig, "portal administrator"},
          {400, R"({"error":"ERROR_NOT_FOUND","error_description":"Not found"})",
           ErrorKind::kPermanent, "ERROR_NOT_FOUND: Not found"},
          {404, R"({"error":"ERROR_METHOD_NOT_FOUND"})", ErrorKind::kPermanent, "HTTP 404"},
      }) {
    auto error = ErrorFromReply("disk.file.get", c.status, nlohmann::json::parse(c.body), now);
    EXPECT_EQ(error.kind, c.kind) << c.body;
    EXPECT_NE(error.message.find(c.says), std::string::npos) << error.message;
  }
}

TEST(ErrorFromReplyTest, OperationTimeLimitWaitsUntilTheBudgetResets) {
  const core::TimePoint now = core::FromUnixMillis(1'800'000'000'000);
  auto error = ErrorFromReply(
      "voximplant.statistic.get", 429,
      nlohmann::json::parse(
          R"({"error":"OPERATION_TIME_LIMIT","time":{"operating_reset_at":1800000042}})"),
      now);
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(*error.retry_after, std::chrono::seconds(42));
}

using testing::ManualClock;

// limits.md: a successful reply's `time.operating_reset_at` says when the method's budget frees
// up; the 429 OPERATION_TIME_LIMIT itself is a bare error envelope.
class OperationTimeLimitTest : public ::testing::Test {
 protected:
  ManualClock clock_{core::FromUnixMillis(1'800'000'000'000)};
  FakeHttpClient http_;
  std::unique_ptr<RestClient> client_ =
      MakeRestClient(http_, nullptr, {.webhook_url = kWebhook, .clock = &clock_});
  static constexpr const char* kBlocked =
      R"({"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit"})";
};

TEST_F(OperationTimeLimitTest, WaitsUntilTheResetOfTheMethodsLastSuccessfulReply) {
  http_.Reply(200, R"({"result":[],"time":{"operating_reset_at":1800000090,"operating":470}})");
  ASSERT_TRUE(client_->Call("voximplant.statistic.get", {}).ok());
  http_.Reply(429, kBlocked);
  auto blocked = client_->Call("voximplant.statistic.get", {});
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(blocked.error().retry_after, std::chrono::seconds(90));
}

TEST_F(OperationTimeLimitTest, TheBlockedMethodIsNotCalledAgainBeforeTheReset) {
  http_.Reply(200, R"({"result":[],"time":{"operating_reset_at":1800000090}})");
  ASSERT_TRUE(client_->Call("voximplant.statistic.get", {}).ok());
  http_.Reply(429, kBlocked);
  ASSERT_FALSE(client_->Call("voximplant.statistic.get", {}).ok());
  clock_.Advance(std::chrono::seconds(30));
  auto again = client_->Call("voximplant.statistic.get", {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().retry_after, std::chrono::seconds(60));
  EXPECT_EQ(http_.requests().size(), 2u) << "no request while the method is blocked";
  // Other methods are not blocked (limits.md: "All other methods continue to operate").
  http_.Reply(200, R"({"result":{}})");
  EXPECT_TRUE(client_->Call("disk.file.get", {}).ok());
  // After the reset the method is called again.
  clock_.Advance(std::chrono::seconds(61));
  http_.Reply(200, R"({"result":[]})");
  EXPECT_TRUE(client_->Call("voximplant.statistic.get", {}).ok());
}

TEST_F(OperationTimeLimitTest, WithoutAKnownResetItWaitsAMinute) {
  http_.Reply(429, kBlocked);
  auto blocked = client_->Call("crm.activity.get", {});
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().retry_after, std::chrono::seconds(60));
  EXPECT_NE(blocked.error().message.find("no reset time known"), std::string::npos);
}

TEST_F(OperationTimeLimitTest, AResetTimeInTheReplyItselfWins) {
  http_.Reply(200, R"({"result":[],"time":{"operating_reset_at":1800000090}})");
  ASSERT_TRUE(client_->Call("voximplant.statistic.get", {}).ok());
  http_.Reply(429, R"({"error":"OPERATION_TIME_LIMIT","time":{"operating_reset_at":1800000010}})");
  auto blocked = client_->Call("voximplant.statistic.get", {});
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().retry_after, std::chrono::seconds(10));
}

TEST_F(RestClientTest, QueryLimitExceededIsHttp503AndRetriedAfterASecond) {
  http_.Reply(503, R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})");
  auto reply = client_->Call("voximplant.statistic.get", {});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(reply.error().retry_after, std::chrono::seconds(1));
}

TEST(ScopeOfMethodTest, NamesTheWebhookScopeOfEachMethodFamily) {
  EXPECT_EQ(ScopeOfMethod("voximplant.statistic.get"), "telephony");
  EXPECT_EQ(ScopeOfMethod("telephony.call.attachTranscription"), "telephony");
  EXPECT_EQ(ScopeOfMethod("disk.file.get"), "disk");
  EXPECT_EQ(ScopeOfMethod("crm.timeline.comment.add"), "crm");
  EXPECT_EQ(ScopeOfMethod("user.get"), "user");
  EXPECT_EQ(ScopeOfMethod("tasks.task.add"), "task");
  EXPECT_EQ(ScopeOfMethod("profile"), "");
}

}  // namespace
}  // namespace callbrief::bitrix

namespace callbrief::bitrix {
namespace {

TEST(ErrorFromReplyTest, KeepsBitrixErrorCodeAsAField) {
  auto error =
      ErrorFromReply("disk.file.get", 400, nlohmann::json::parse(R"({"error":"ERROR_NOT_FOUND"})"),
                     core::SystemClock::Instance().Now());
  EXPECT_EQ(error.code, "ERROR_NOT_FOUND");
  EXPECT_EQ(error.WithContext("fetching").code, "ERROR_NOT_FOUND");
}

}  // namespace
}  // namespace callbrief::bitrix
