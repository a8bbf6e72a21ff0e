#include <gtest/gtest.h>

#include "http/edge_limits.h"
#include "http/http_message.h"
#include "http/route.h"

namespace callbrief::http {
namespace {

RequestHead Head(std::string_view method = "POST") { return {.method = method}; }

TEST(CheckHeadTest, AcceptsAnOrdinaryWebhookPost) {
  RequestHead head = Head();
  head.header_bytes = 600;
  head.header_lines = 8;
  head.content_length = 2000;
  EXPECT_EQ(CheckHead(head, {}), Refusal::kNone);
}

TEST(CheckHeadTest, RefusesHeadersOverTheirLimits) {
  RequestHead big = Head();
  big.header_bytes = 16 * 1024 + 1;
  EXPECT_EQ(CheckHead(big, {}), Refusal::kHeadersTooLarge);
  EXPECT_EQ(StatusOf(Refusal::kHeadersTooLarge), 431);
  RequestHead many = Head();
  many.header_lines = 101;
  EXPECT_EQ(CheckHead(many, {}), Refusal::kTooManyHeaderLines);
  EXPECT_EQ(StatusOf(Refusal::kTooManyHeaderLines), 431);
  many.header_lines = 100;
  EXPECT_EQ(CheckHead(many, {}), Refusal::kNone);
}

TEST(CheckHeadTest, RefusesEveryContentCodingButIdentity) {
  for (std::string_view coding : {"gzip", "deflate", "br", "GZIP", "gzip, identity"}) {
    RequestHead head = Head();
    head.content_encoding = coding;
    EXPECT_EQ(CheckHead(head, {}), Refusal::kContentEncoding) << coding;
  }
  RequestHead identity = Head();
  identity.content_encoding = "identity";
  EXPECT_EQ(CheckHead(identity, {}), Refusal::kNone);
  EXPECT_EQ(StatusOf(Refusal::kContentEncoding), 415);
}

TEST(CheckHeadTest, RefusesADeclaredBodyOverTheLimitBeforeReadingIt) {
  RequestHead head = Head();
  head.content_length = 256 * 1024 + 1;
  EXPECT_EQ(CheckHead(head, {}), Refusal::kBodyTooLarge);
  head.content_length = 256 * 1024;
  EXPECT_EQ(CheckHead(head, {}), Refusal::kNone);
}

TEST(CheckHeadTest, OnlyKnownMethodsAndChunkedFramingAreImplemented) {
  EXPECT_EQ(CheckHead(Head("PUT"), {}), Refusal::kMethodNotImplemented);
  EXPECT_EQ(CheckHead(Head("TRACE"), {}), Refusal::kMethodNotImplemented);
  EXPECT_EQ(CheckHead(Head("HEAD"), {}), Refusal::kNone);
  RequestHead head = Head();
  head.transfer_encoding = "gzip, chunked";
  EXPECT_EQ(CheckHead(head, {}), Refusal::kTransferCodingNotImplemented);
  head.transfer_encoding = "Chunked";
  EXPECT_EQ(CheckHead(head, {}), Refusal::kNone);
  EXPECT_EQ(StatusOf(Refusal::kMethodNotImplemented), 501);
}

TEST(BodyTooLargeTest, CountsEveryPieceWhateverTheFraming) {
  EdgeLimits limits{.max_body_bytes = 100};
  EXPECT_FALSE(BodyTooLarge(0, 100, limits));
  EXPECT_FALSE(BodyTooLarge(60, 40, limits));
  EXPECT_TRUE(BodyTooLarge(60, 41, limits));
  EXPECT_TRUE(BodyTooLarge(0, SIZE_MAX, limits));  // No overflow.
}

TEST(ParseUrlEncodedTest, DecodesPlusAndPercentEscapes) {
  std::multimap<std::string, std::string> params;
  ParseUrlEncoded("password=a+b%21%3D&next=%2Fcalls&&flag&bad=%zz%4", params);
  EXPECT_EQ(params.find("password")->second, "a b!=");
  EXPECT_EQ(params.find("next")->second, "/calls");
  EXPECT_EQ(params.find("flag")->second, "");
  EXPECT_EQ(params.find("bad")->second, "%zz%4");
}

TEST(RequestTest, HeaderNamesIgnoreCase) {
  Request req;
  req.headers = {{"content-type", "application/json"}};
  EXPECT_TRUE(req.has_header("Content-Type"));
  EXPECT_EQ(req.get_header_value("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(req.get_header_value("Host"), "");
}

TEST(ResponseTest, SetHeaderReplacesButCookiesRepeat) {
  Response res;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("cache-control", "no-store");
  res.set_header("Set-Cookie", "a=1");
  res.set_header("Set-Cookie", "b=2");
  EXPECT_EQ(res.get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(res.headers.size(), 3u);
}

TEST(RouterTest, MatchesWholePathsAndCapturesGroups) {
  Router router;
  std::string seen;
  router.Get("/api/calls", [&](const Request&, Response&) { seen = "list"; });
  router.Get(R"(/api/calls/([^/]+))",
             [&](const Request& req, Response&) { seen = "one:" + req.matches[1].str(); });
  router.Post(R"(/api/calls/([^/]+)/retry)", [&](const Request&, Response&) { seen = "retry"; });
  Response res;
  Request req{.method = "GET", .path = "/api/calls/42"};
  ASSERT_TRUE(router.Dispatch(req, res));
  EXPECT_EQ(seen, "one:42");
  Request head{.method = "HEAD", .path = "/api/calls"};
  ASSERT_TRUE(router.Dispatch(head, res));
  EXPECT_EQ(seen, "list");
  Request wrong_method{.method = "GET", .path = "/api/calls/42/retry"};
  EXPECT_FALSE(router.Dispatch(wrong_method, res));
  Request prefix{.method = "GET", .path = "/api/calls/42/"};
  EXPECT_FALSE(router.Dispatch(prefix, res));
}

TEST(RouterTest, SaysWhichRoutesRunOnTheNetworkThread) {
  Router router;
  router.Get(
      "/healthz", [](const Request&, Response&) {}, Router::Where::kInline);
  router.Get("/api/calls", [](const Request&, Response&) {});
  EXPECT_TRUE(router.RunsInline(Request{.method = "GET", .path = "/healthz"}));
  EXPECT_TRUE(router.RunsInline(Request{.method = "HEAD", .path = "/healthz"}));
  EXPECT_FALSE(router.RunsInline(Request{.method = "GET", .path = "/api/calls"}));
  EXPECT_FALSE(router.RunsInline(Request{.method = "GET", .path = "/nothing"}));
}

}  // namespace
}  // namespace callbrief::http
