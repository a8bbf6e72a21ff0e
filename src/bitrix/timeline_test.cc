#include "bitrix/timeline.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"

namespace callbrief::bitrix {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;

constexpr const char* kWebhook = "https://portal.bitrix24.ru/rest/1/hook/";
constexpr const char* kCallId = "5E316880469A6376.1773306964.8740011";

std::string MethodOf(const net::HttpRequest& request) {
  std::string url = request.url.substr(std::string(kWebhook).size());
  return url.substr(0, url.size() - std::string(".json").size());
}

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

class TimelineTest : public ::testing::Test {
 protected:
  static CallFacts Call() {
    CallFacts call;
    call.statistic_id = 1042;
    call.call_id = kCallId;
    return call;
  }
  // One page of crm.timeline.comment.list: `rows` of {ID, COMMENT}, and `next` if given.
  void ListPage(const std::vector<std::pair<int, std::string>>& rows,
                std::optional<int> next = std::nullopt) {
    nlohmann::json result = nlohmann::json::array();
    for (const auto& [id, comment] : rows) {
      result.push_back({{"ID", std::to_string(id)},
                        {"ENTITY_ID", "10"},
                        {"ENTITY_TYPE", "deal"},
                        {"COMMENT", comment}});
    }
    nlohmann::json body = {{"result", result}, {"total", 120}};
    if (next) body["next"] = *next;
    http_.Reply(200, body.dump());
  }
  std::vector<nlohmann::json> Bodies() {
    std::vector<nlohmann::json> bodies;
    for (const auto& r : http_.requests()) bodies.push_back(nlohmann::json::parse(r.body));
    return bodies;
  }

  FakeHttpClient http_;
  std::unique_ptr<RestClient> rest_ = MakeRestClient(http_, nullptr, {.webhook_url = kWebhook});
  const TimelineTarget deal_{"deal", 10, "test"};
};

TEST(CommentMarkerTest, IsPlainAsciiWithTheCallId) {
  EXPECT_EQ(CommentMarker("5E31.1773.87"), "callbrief:5E31.1773.87");
  EXPECT_EQ(CommentMarker("odd[id]"), "callbrief:odd［id］");
  EXPECT_EQ(CommentMarker("5E31.1773.87").find('['), std::string::npos);
}

TEST(HasCommentMarkerTest, FindsTheMarkerOfThisCallOnly) {
  struct Case {
    std::string comment;
    bool has;
  };
  const Case cases[] = {
      {"Summary\ncallbrief:X.1", true},
      {"Summary\r\ncallbrief:X.1\r\n", true},
      {"callbrief:X.1", true},
      {"Summary\ncallbrief:X.12", false},  // Another call whose id starts with ours.
      {"Summary\ncallbrief:X.1-2", false},
      {"Summary\ncallbrief:X.12\ncallbrief:X.1", true},
      {"Summary\nmycallbrief:X.1", false},
      {"Summary\ncallbrief:X.2", false},
      {"Summary about X.1", false},
      {"", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(HasCommentMarker(c.comment, "X.1"), c.has) << c.comment;
  }
}

TEST(BuildTimelineCommentTest, PutsTheMarkerOnTheLastLine) {
  EXPECT_EQ(BuildTimelineComment("[B]Итоги[/B]\nВсё хорошо", "X.1"),
            "[B]Итоги[/B]\nВсё хорошо\ncallbrief:X.1");
  EXPECT_EQ(BuildTimelineComment("Text\n\n", "X.1"), "Text\ncallbrief:X.1");
  EXPECT_EQ(BuildTimelineComment("", "X.1"), "callbrief:X.1");
}

TEST(BuildTimelineCommentTest, KeepsAMarkerThatIsAlreadyThere) {
  EXPECT_EQ(BuildTimelineComment("Text\ncallbrief:X.1", "X.1"), "Text\ncallbrief:X.1");
  // Another call's marker is not ours.
  EXPECT_EQ(BuildTimelineComment("Text\ncallbrief:X.12", "X.1"),
            "Text\ncallbrief:X.12\ncallbrief:X.1");
}

TEST(BuildTimelineCommentTest, ALongCommentIsCutOnAUtf8BoundaryAndKeepsTheMarker) {
  for (std::size_t shift = 0; shift < 4; ++shift) {  // Every alignment of the 2- and 3-byte runs.
    std::string text = std::string(shift, 'a');
    while (text.size() < 70'000) text += "Привет, €! ";
    std::string built = BuildTimelineComment(text, kCallId);
    EXPECT_LE(built.size(), kMaxCommentBytes) << shift;
    EXPECT_GT(built.size(), kMaxCommentBytes - 16) << shift;
    EXPECT_TRUE(IsValidUtf8(built)) << shift;
    EXPECT_TRUE(built.ends_with(std::string("\n…\ncallbrief:") + kCallId)) << shift;
    EXPECT_TRUE(HasCommentMarker(built, kCallId));
  }
}

TEST(BuildTimelineCommentTest, ACutNeverLeavesHalfATag) {
  std::string text(kMaxCommentBytes - 40, 'x');
  text += "[URL=https://portal.bitrix24.ru/crm/deal/details/10/]the deal[/URL] and more text";
  std::string built = BuildTimelineComment(text, "X.1");
  EXPECT_LE(built.size(), kMaxCommentBytes);
  EXPECT_EQ(built, std::string(kMaxCommentBytes - 40, 'x') + "\n…\ncallbrief:X.1");
}

TEST(BuildTimelineCommentTest, ACommentThatFitsExactlyIsNotCut) {
  std::string marker_line = "\ncallbrief:X.1";
  std::string text(kMaxCommentBytes - marker_line.size(), 'x');
  EXPECT_EQ(BuildTimelineComment(text, "X.1"), text + marker_line);
  text += "x";
  EXPECT_TRUE(BuildTimelineComment(text, "X.1").ends_with("\n…\ncallbrief:X.1"));
}

TEST_F(TimelineTest, AddsTheCommentOnceWithLowercaseFields) {
  http_.Reply(200, R"({"result":999})");
  auto id = AddCommentOnce(*rest_, deal_, kCallId, "[B]Итоги звонка[/B]\nДоговорились.", false);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 999);
  ASSERT_EQ(http_.requests().size(), 1u);
  EXPECT_EQ(MethodOf(http_.requests()[0]), "crm.timeline.comment.add");
  auto body = Bodies()[0];
  ASSERT_TRUE(body.contains("fields")) << body.dump();
  EXPECT_FALSE(body.contains("FIELDS"));
  EXPECT_EQ(body["fields"]["ENTITY_ID"], 10);
  EXPECT_EQ(body["fields"]["ENTITY_TYPE"], "deal");
  EXPECT_EQ(body["fields"]["COMMENT"],
            std::string("[B]Итоги звонка[/B]\nДоговорились.\ncallbrief:") + kCallId);
}

TEST_F(TimelineTest, AcceptsTheNewIdAsAString) {
  http_.Reply(200, R"({"result":"1001"})");
  auto id = AddCommentOnce(*rest_, deal_, kCallId, "Text", false);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 1001);
}

TEST_F(TimelineTest, AfterAnUnknownAttemptFindsTheExistingCommentOnALaterPage) {
  ListPage(
      {{130, "Someone else's note"}, {129, "Summary\ncallbrief:" + std::string(kCallId) + "9"}},
      50);
  ListPage({{80, "Old"}, {77, "Итоги\ncallbrief:" + std::string(kCallId)}, {76, "Older"}}, 100);
  auto id = AddCommentOnce(*rest_, deal_, kCallId, "Итоги", true);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 77);
  auto bodies = Bodies();
  ASSERT_EQ(bodies.size(), 2u);  // Two pages, no add.
  for (const auto& r : http_.requests()) EXPECT_EQ(MethodOf(r), "crm.timeline.comment.list");
  EXPECT_EQ(bodies[0]["filter"], (nlohmann::json{{"ENTITY_ID", 10}, {"ENTITY_TYPE", "deal"}}));
  EXPECT_EQ(bodies[0]["order"], (nlohmann::json{{"ID", "DESC"}}));
  EXPECT_EQ(bodies[0]["start"], 0);
  EXPECT_EQ(bodies[1]["start"], 50);
}

TEST_F(TimelineTest, AfterAnUnknownAttemptAddsWhenNoCommentMatches) {
  ListPage({{130, "Note"}}, 50);
  ListPage({{80, "Old"}});  // The last page: no `next`.
  http_.Reply(200, R"({"result":131})");
  auto id = AddCommentOnce(*rest_, deal_, kCallId, "Итоги", true);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 131);
  ASSERT_EQ(http_.requests().size(), 3u);
  EXPECT_EQ(MethodOf(http_.requests()[2]), "crm.timeline.comment.add");
}

TEST_F(TimelineTest, TheSearchStopsAfterTheLastPageItMayRead) {
  for (int page = 0; page < kMaxCommentPages; ++page)
    ListPage({{1000 - page, "Note"}}, 50 * (page + 1));
  http_.Reply(200, R"({"result":2000})");
  auto id = AddCommentOnce(*rest_, deal_, kCallId, "Итоги", true);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 2000);
  EXPECT_EQ(http_.requests().size(), static_cast<std::size_t>(kMaxCommentPages) + 1);
}

TEST_F(TimelineTest, AFailedSearchAddsNothingAndSaysWhatItWasDoing) {
  http_.Fail(core::Error::Transient("POST portal.bitrix24.ru/rest/***: timed out"));
  auto id = AddCommentOnce(*rest_, deal_, kCallId, "Итоги", true);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(id.error().message.rfind(std::string("adding the timeline comment of call ") + kCallId +
                                         " to deal 10: Bitrix24 crm.timeline.comment.list",
                                     0),
            0u)
      << id.error().message;
  EXPECT_EQ(http_.requests().size(), 1u);
}

TEST_F(TimelineTest, AFailedAddKeepsItsKindAndSaysWhatItWasDoing) {
  http_.Reply(400, R"({"error":"OWNER_NOT_FOUND","error_description":"Owner not found"})");
  auto id = AddCommentOnce(*rest_, deal_, kCallId, "Итоги", false);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(id.error().message.rfind(std::string("adding the timeline comment of call ") + kCallId +
                                         " to deal 10: Bitrix24 crm.timeline.comment.add: HTTP 400 "
                                         "OWNER_NOT_FOUND",
                                     0),
            0u)
      << id.error().message;
}

TEST_F(TimelineTest, AnAddAnsweredWithoutAnIdIsAnError) {
  http_.Reply(200, R"({"result":false})");
  auto id = AddCommentOnce(*rest_, deal_, kCallId, "Итоги", false);
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.error().message.find("answered no comment id"), std::string::npos);
}

TEST_F(TimelineTest, ALongCommentIsSentCapped) {
  http_.Reply(200, R"({"result":5})");
  std::string text;
  while (text.size() < 100'000) text += "Длинная расшифровка. ";
  ASSERT_TRUE(AddCommentOnce(*rest_, deal_, kCallId, text, false).ok());
  std::string sent = Bodies()[0]["fields"]["COMMENT"];
  EXPECT_LE(sent.size(), kMaxCommentBytes);
  EXPECT_TRUE(sent.ends_with(std::string("\n…\ncallbrief:") + kCallId));
}

}  // namespace
}  // namespace callbrief::bitrix
