#include "bitrix/user_names.h"
#include "testing/manual_clock.h"

#include <gtest/gtest.h>

namespace callbrief::bitrix {
namespace {

using nlohmann::json;

using testing::ManualClock;

// Answers user.get from a table and counts the requests.
class UsersPortal final : public RestClient {
 public:
  core::Result<RestResponse> Call(std::string_view method, const json& params) override {
    ++requests;
    if (fail_next) {
      fail_next = false;
      return core::Error::Transient("HTTP 503 from user.get");
    }
    EXPECT_EQ(method, "user.get");
    std::int64_t id = params["FILTER"]["ID"].get<std::int64_t>();
    RestResponse reply;
    reply.result = json::array();
    if (auto found = users.find(id); found != users.end()) reply.result.push_back(found->second);
    return reply;
  }
  std::map<std::int64_t, json> users;
  int requests = 0;
  bool fail_next = false;
};

TEST(DisplayNameOfUserTest, JoinsFirstAndLastName) {
  EXPECT_EQ(DisplayNameOfUser({{"ID", "7"}, {"NAME", "Иван"}, {"LAST_NAME", "Петров"}}),
            "Иван Петров");
  EXPECT_EQ(DisplayNameOfUser({{"ID", "7"}, {"NAME", ""}, {"LAST_NAME", "Петров"}}), "Петров");
}

TEST(DisplayNameOfUserTest, FallsBackToEmailThenToTheId) {
  EXPECT_EQ(DisplayNameOfUser({{"ID", "7"}, {"NAME", ""}, {"EMAIL", "ivan@example.com"}}),
            "ivan@example.com");
  EXPECT_EQ(DisplayNameOfUser({{"ID", "7"}, {"NAME", nullptr}}), "user 7");
}

TEST(UserNamesTest, AsksThePortalOncePerUserWithinTheTtl) {
  UsersPortal portal;
  portal.users[7] = {{"ID", "7"}, {"NAME", "Иван"}, {"LAST_NAME", "Петров"}};
  ManualClock clock{core::FromUnixMillis(1'800'000'000'000)};
  UserNames names(portal, clock, std::chrono::hours(1));
  EXPECT_EQ(*names.Lookup(7), "Иван Петров");
  EXPECT_EQ(*names.Lookup(7), "Иван Петров");
  EXPECT_EQ(portal.requests, 1);

  clock.Advance(std::chrono::hours(2));
  EXPECT_EQ(*names.Lookup(7), "Иван Петров");
  EXPECT_EQ(portal.requests, 2);
}

TEST(UserNamesTest, AnUnknownUserIsNamedByItsId) {
  UsersPortal portal;
  ManualClock clock{core::FromUnixMillis(1'800'000'000'000)};
  UserNames names(portal, clock);
  EXPECT_EQ(*names.Lookup(99), "user 99");
}

TEST(UserNamesTest, AFailureIsReturnedAndNotRemembered) {
  UsersPortal portal;
  portal.users[7] = {{"ID", "7"}, {"NAME", "Иван"}};
  portal.fail_next = true;
  ManualClock clock{core::FromUnixMillis(1'800'000'000'000)};
  UserNames names(portal, clock);
  auto failed = names.Lookup(7);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, core::ErrorKind::kTransient);
  EXPECT_NE(failed.error().message.find("reading user 7"), std::string::npos);
  EXPECT_EQ(*names.Lookup(7), "Иван");
}

}  // namespace
}  // namespace callbrief::bitrix
