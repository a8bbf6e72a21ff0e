#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/call.h"

namespace callbrief::store {

// Durable storage of calls and everything the pipeline learns about them. One interface, one
// implementation per database (SQLite embedded, PostgreSQL for production); the same tests run
// against each. Implementations are thread-safe. Errors are kTransient when the database is busy
// or unreachable, kConfig when it cannot be opened or is of a newer schema than this binary.
class CallStore {
 public:
  virtual ~CallStore() = default;

  // Records newly announced calls in ONE transaction, durable when this returns: intake answers
  // Bitrix24 only after that. A call whose bitrix_call_id is already stored is left unchanged and
  // reported as kDuplicate (also for a repeat inside the same batch). Results are in input order.
  virtual core::Result<std::vector<RecordedCall>> RecordIncomingCalls(
      std::span<const IncomingCall> calls) = 0;

  // Newest first, filtered, one page.
  virtual core::Result<CallPage> ListCalls(const CallQuery& query) = 0;

  // By our numeric id, or by Bitrix24's CALL_ID. nullopt when there is no such call.
  virtual core::Result<std::optional<CallDetails>> FindCall(std::string_view id_or_call_id) = 0;

  // Number of calls in each stage, for readiness, metrics and the status page.
  virtual core::Result<std::vector<std::pair<Stage, std::int64_t>>> CountByStage() = 0;

  // Small named values kept between runs (the reconciler's cursor, a migrated Telegram chat id).
  virtual core::Result<std::optional<std::string>> GetSetting(std::string_view name) = 0;
  virtual core::Status PutSetting(std::string_view name, std::string_view value) = 0;

  // Cheap round trip proving the database answers (readiness probe).
  virtual core::Status Ping() = 0;
};

// Opens the store named by a DATABASE_URL (`sqlite://PATH`), applying pending migrations when
// `migrate` is true; with `migrate` false an out-of-date schema is a kConfig error telling the
// operator to run `callbrief migrate`.
core::Result<std::unique_ptr<CallStore>> OpenStore(const std::string& database_url, bool migrate);

// Applies pending migrations and returns the schema version reached.
core::Result<int> MigrateStore(const std::string& database_url);

}  // namespace callbrief::store
