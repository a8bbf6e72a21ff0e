#pragma once

// The fixture of the store suite's pipeline cases (work_store_test.cc,
// stage_results_store_test.cc): calls recorded, claimed and finished on a fresh database of each
// backend. Test-only.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "store/store_test_backends.h"
#include "store/test_support.h"

namespace callbrief::store {

inline constexpr std::int64_t kNow = 1'800'000'000'000;
inline constexpr std::int64_t kLease = 120'000;

// Runs on every backend (store_test_backends.h): `store_` is open on a fresh database.
class WorkStoreTest : public testing::StoreTest {
 protected:
  std::int64_t Record(std::string call_id, std::int64_t received_at = kNow - 1000) {
    IncomingCall call = testing::MakeCall(std::move(call_id));
    call.received_at_ms = received_at;
    auto recorded = store_->RecordIncomingCalls(std::span(&call, 1));
    EXPECT_TRUE(recorded.ok());
    return recorded.ok() ? (*recorded)[0].id : 0;
  }

  // Remembers the claim as `owner`'s latest, which Outcome() then names.
  std::optional<CallRecord> Claim(std::string_view owner, std::int64_t now = kNow,
                                  std::int64_t lease = kLease,
                                  std::vector<std::int64_t> running = {}) {
    auto claimed = store_->ClaimDueCall(owner, now, lease, running);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    if (!claimed.ok()) return std::nullopt;
    if (claimed->has_value()) claims_[std::string(owner)] = LeaseOf(**claimed);
    return *claimed;
  }
  // A claim whose lease has already run out (0 ms): the next claim takes the call over on either
  // backend, whichever clock it reads (PostgreSQL's own, SQLite's `now`).
  std::optional<CallRecord> ClaimRunOut(std::string_view owner) { return Claim(owner, kNow, 0); }

  CallDetails Find(std::int64_t id) {
    auto found = store_->FindCall(std::to_string(id));
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : CallDetails{};
  }

  // The outcome of a stage run under `owner`'s latest claim.
  StageOutcome Outcome(std::int64_t id, std::string owner, Stage ran, Stage next) {
    const std::int64_t epoch = claims_[owner].epoch;
    return {.call_id = id,
            .lease_owner = std::move(owner),
            .lease_epoch = epoch,
            .ran = ran,
            .started_at_ms = kNow,
            .finished_at_ms = kNow + 50,
            .next = next};
  }

  std::map<std::string, LeaseToken> claims_;
};

}  // namespace callbrief::store
