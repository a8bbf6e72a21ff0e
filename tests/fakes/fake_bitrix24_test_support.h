#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "fakes/fake_bitrix24.h"
#include "fakes/manual_clock.h"

namespace callbrief::fakes::testing {

// An HTTP answer of the fake: status and parsed JSON body (discarded when not JSON).
struct Reply {
  int status = 0;
  nlohmann::json body;
  httplib::Headers headers;
};

// A running portal on a manual clock, and an HTTP client for it. Tests talk to the emulator
// over real HTTP only, as callbrief will.
class FakeBitrix24Test : public ::testing::Test {
 protected:
  static constexpr char kCode[] = "t3stc0de";

  void SetUp() override { ASSERT_TRUE(portal_.Start().ok()); }

  std::string Path(std::string_view method) const {
    return "/rest/1/" + std::string(kCode) + "/" + std::string(method);
  }

  httplib::Client Client() const {
    httplib::Client client(portal_.BaseUrl());
    client.set_read_timeout(std::chrono::seconds(10));
    return client;
  }

  static Reply ToReply(const httplib::Result& result) {
    if (!result) {
      ADD_FAILURE() << "no HTTP answer: " << httplib::to_string(result.error());
      return {};
    }
    return {result->status, nlohmann::json::parse(result->body, nullptr, false), result->headers};
  }

  // POST with a JSON body, as production clients should.
  Reply Call(std::string_view method, const nlohmann::json& params = nlohmann::json::object()) {
    return ToReply(Client().Post(Path(method), params.dump(), "application/json"));
  }
  // GET with a query string, e.g. Get("user.get", "FILTER[ID]=7").
  Reply Get(std::string_view method, std::string_view query = "") {
    std::string target = Path(method);
    if (!query.empty()) target += "?" + std::string(query);
    return ToReply(Client().Get(target));
  }
  // POST with an x-www-form-urlencoded body.
  Reply PostForm(std::string_view method, std::string_view body) {
    return ToReply(
        Client().Post(Path(method), std::string(body), "application/x-www-form-urlencoded"));
  }

  // The first statistic row of `call_id`, or null.
  nlohmann::json StatisticRow(const std::string& call_id) {
    Reply reply = Call("voximplant.statistic.get", {{"FILTER", {{"CALL_ID", call_id}}}});
    if (reply.status != 200 || reply.body["result"].empty()) return nullptr;
    return reply.body["result"][0];
  }

  ManualClock clock_;
  FakeBitrix24 portal_{FakeBitrix24::Options{kCode, 1, 0, &clock_, 42}};
};

}  // namespace callbrief::fakes::testing
