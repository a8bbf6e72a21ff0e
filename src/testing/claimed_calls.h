#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/call_store.h"
#include "store/sqlite_store.h"
#include "store/test_support.h"

namespace callbrief::testing {

// A SQLite store in a fresh directory whose calls are claimed the way a pipeline worker claims
// them, for tests of a stage (or a delivery channel) on its own: the stage gets the details of a
// claimed call, and its writes under that claim are checked by the real store.
class ClaimedCalls {
 public:
  static constexpr std::int64_t kLeaseMs = 120'000;

  ClaimedCalls() {
    auto opened = store::OpenSqliteStore({.path = dir_.File("calls.db")});
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    if (opened.ok()) store_ = std::move(*opened);
  }

  store::CallStore& store() { return *store_; }

  // Records `call` and claims it for `owner` at `now_ms`: what the pipeline hands the stage.
  store::CallDetails Claim(const store::IncomingCall& call, std::int64_t now_ms,
                           const std::string& owner = "worker") {
    auto recorded = store_->RecordIncomingCalls(std::span(&call, 1));
    EXPECT_TRUE(recorded.ok()) << recorded.error().message;
    return ClaimAgain(call.bitrix_call_id, now_ms, owner);
  }

  // Claims the (due, unleased or expired) call anew: the next run's input, with everything the
  // earlier runs stored (deliveries, …) and a new claim epoch.
  store::CallDetails ClaimAgain(const std::string& bitrix_call_id, std::int64_t now_ms,
                                const std::string& owner = "worker") {
    if (auto released = store_->ReleaseLeases(owner); !released.ok()) {
      ADD_FAILURE() << released.error().message;
    }
    auto claimed = store_->ClaimDueCall(owner, now_ms, kLeaseMs, {});
    EXPECT_TRUE(claimed.ok() && claimed->has_value()) << "nothing to claim";
    store::CallDetails details = Stored(bitrix_call_id);
    if (claimed.ok() && claimed->has_value()) details.call = **claimed;
    return details;
  }

  // Everything stored about the call now.
  store::CallDetails Stored(const std::string& bitrix_call_id) {
    auto found = store_->FindCall(bitrix_call_id);
    EXPECT_TRUE(found.ok() && found->has_value()) << bitrix_call_id << " is not stored";
    return found.ok() && found->has_value() ? **found : store::CallDetails{};
  }

  // The stored delivery of `channel` ("telegram", …); a default one when there is none.
  store::Delivery DeliveryOf(const std::string& bitrix_call_id, std::string_view channel) {
    for (const store::Delivery& d : Stored(bitrix_call_id).deliveries) {
      if (d.channel == channel) return d;
    }
    return {};
  }

 private:
  store::testing::TempDir dir_;
  std::unique_ptr<store::CallStore> store_;
};

}  // namespace callbrief::testing
