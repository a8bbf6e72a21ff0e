#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace callbrief::store {

// Where a call is in the pipeline (docs/architecture.md). A call sits in the stage that runs next;
// kDone, kSkipped and kFailed are terminal.
enum class Stage {
  kReceived,
  kResolve,
  kDownload,
  kPrepare,
  kTranscribe,
  kSummarize,
  kDeliver,
  kDone,
  kSkipped,
  kFailed,
};

std::string_view StageName(Stage stage);
std::optional<Stage> StageFromName(std::string_view name);
bool IsTerminal(Stage stage);
// Every stage, in the enum's order (which is the pipeline's).
std::span<const Stage> AllStages();

enum class Direction { kUnknown, kIncoming, kOutgoing };
std::string_view DirectionName(Direction direction);
std::optional<Direction> DirectionFromName(std::string_view name);

// How we learnt of a call.
enum class CallSource { kWebhook, kReconcile, kBackfill, kManual };
std::string_view CallSourceName(CallSource source);
// nullopt for a name this binary does not know (a newer version's).
std::optional<CallSource> CallSourceFromName(std::string_view name);

// What is known about a call when it is first recorded: the facts a Bitrix24 event carries (all
// optional: the resolve stage fills in the rest from voximplant.statistic.get) and the raw event.
struct IncomingCall {
  std::string bitrix_call_id;
  CallSource source = CallSource::kWebhook;
  std::optional<int>
      call_type;  // Bitrix24 CALL_TYPE: 1 out, 2 in, 3 in+redirect, 4 callback, 5 info.
  Direction direction = Direction::kUnknown;
  std::string client_number;  // PHONE_NUMBER.
  std::string portal_number;  // PORTAL_NUMBER (line).
  std::optional<std::int64_t> portal_user_id;
  std::optional<int> duration_seconds;
  std::optional<std::int64_t> started_at_ms;  // CALL_START_DATE; received_at_ms when unknown.
  std::string failed_code;                    // CALL_FAILED_CODE; "200" means completed.
  std::string failed_reason;
  std::optional<std::int64_t> crm_activity_id;
  std::int64_t received_at_ms = 0;

  // The event as received, secrets removed, for the record and for reprocessing.
  std::string event_name;
  std::string event_json;
  std::string remote_addr;
};

// kErased: the call was erased on a data subject's request (CallStore::EraseCall); nothing of the
// event is stored and the call is never processed again.
enum class IntakeOutcome { kCreated, kDuplicate, kErased };

struct RecordedCall {
  std::int64_t id = 0;
  IntakeOutcome outcome = IntakeOutcome::kCreated;
};

// One row of the calls table.
struct CallRecord {
  std::int64_t id = 0;
  std::string bitrix_call_id;
  CallSource source = CallSource::kWebhook;
  std::optional<int> call_type;
  Direction direction = Direction::kUnknown;
  std::string client_number;
  std::string portal_number;
  std::optional<std::int64_t> portal_user_id;
  std::string manager_name;
  std::optional<int> duration_seconds;
  std::int64_t started_at_ms = 0;
  std::string failed_code;
  std::string failed_reason;
  std::string crm_entity_type;
  std::optional<std::int64_t> crm_entity_id;
  std::optional<std::int64_t> crm_activity_id;
  std::optional<std::int64_t> record_file_id;
  std::string recording_path;
  std::optional<std::int64_t> recording_bytes;
  std::string recording_sha256;
  std::string audio_report_json;  // Facts from the prepare stage (channels, speech seconds, …).
  // What personal-data masking replaced (types and counts, never values; pipeline/pii_report.h);
  // empty when the call was never masked.
  std::string pii_report_json;
  Stage stage = Stage::kReceived;
  std::string skip_reason;
  int attempts = 0;
  std::optional<std::int64_t> next_attempt_at_ms;
  std::string last_error;
  std::string last_error_kind;
  std::optional<double> cost_usd;
  std::int64_t received_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::optional<std::int64_t> finished_at_ms;
  // For a failed call, the stage that failed: where `retry` starts again.
  std::optional<Stage> failed_stage;
  std::string lease_owner;  // Empty when no worker holds the call.
  // Counts the claims of this call: each claim takes the next number, and the worker's later
  // writes must name it (LeaseToken), so a worker whose lease was taken over cannot write.
  std::int64_t lease_epoch = 0;
  // The talk metrics the Calls list shows and sorts by (issue 16; migration 11), written with the
  // transcript (the whole set: CallDetails::metrics_json). `metrics_layout` is "two_party" or
  // "mono", empty while the call has no transcript; the manager's figures are null for mono.
  std::string metrics_layout;
  std::optional<std::int64_t> talk_share_manager_permille;  // of the two sides' talk time
  std::optional<std::int64_t> longest_monologue_manager_ms;
  std::optional<int> interruptions_by_manager;
};

// One claim of one call: what a worker names on every write it makes under that claim
// (FinishStage, RenewLeases, SaveDelivery). The store refuses a token whose epoch is no longer
// the call's current one — another claim took the call over (the lease expired while this worker
// was paused, or its clock stepped) — with a kPermanent error of code kLeaseLostCode.
struct LeaseToken {
  std::int64_t call_id = 0;
  std::string owner{};
  std::int64_t epoch = 0;
};

inline LeaseToken LeaseOf(const CallRecord& call) {
  return {call.id, call.lease_owner, call.lease_epoch};
}

struct RawEvent {
  std::int64_t id = 0;
  std::string event_name;
  std::int64_t received_at_ms = 0;
  std::string remote_addr;
  std::string event_json;
};

struct TranscriptSegment {
  int index = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string speaker;  // "manager", "client" or "" when the recording is a mono mix.
  std::string text;
};

struct Summary {
  std::string model;
  std::string summary_json;
  std::string call_kind;
  std::string sentiment;
  std::int64_t created_at_ms = 0;
};

// A call's scorecard (issue 16, item 2): the checklist's answers once checked against the
// transcript (analytics::ScorecardToJson, kept as text), with its score and critical flag as
// columns for lists and filters.
struct ScorecardRecord {
  std::string checklist_id{};
  std::optional<int> score{};  // 0..100; null when every criterion was not applicable
  bool critical_failed = false;
  std::string scorecard_json{};
  std::int64_t created_at_ms = 0;
};

// A scorecard checklist as edited on the Checklists page (analytics::ChecklistToJson as text).
// At most one is active: the one every newly summarized conversation is scored against.
struct StoredChecklist {
  std::string id{};
  std::string name{};
  std::string checklist_json{};
  bool active = false;
  std::int64_t updated_at_ms = 0;
};

struct Delivery {
  std::string channel{};  // "telegram", "bitrix_timeline", "bitrix_transcript", "bitrix_tasks".
  std::string status{};   // "pending", "done", "failed", "skipped" (last_error says why).
  int attempts = 0;
  std::string external_id{};
  std::string last_error{};
  std::optional<std::int64_t> delivered_at_ms{};
  // When the latest attempt started: after a crash, how long its request may still be running.
  std::optional<std::int64_t> attempt_started_at_ms{};
};

// One run of one stage: the call page's timeline.
struct StageRun {
  Stage stage = Stage::kReceived;
  int attempt = 0;
  std::int64_t started_at_ms = 0;
  std::int64_t finished_at_ms = 0;
  std::string outcome{};  // "ok", "waiting", "retry", "parked", "failed", "skipped".
  std::string error{};
};

// A piece of prepared audio sent to speech-to-text on its own. `time_map_json` and
// `transcript_json` are the audio and asr components' own serializations; the store keeps them
// as text. A chunk with a transcript is not sent again.
struct AudioChunk {
  int index = 0;
  std::string speaker{};
  std::string path{};
  std::int64_t start_ms = 0;  // On the original recording.
  std::int64_t end_ms = 0;
  std::string time_map_json{};
  std::optional<std::string> transcript_json{};
};

// One provider request's consumption, as stored (see core::ProviderUsage).
struct UsageRow {
  Stage stage = Stage::kReceived;
  std::string provider{};
  std::string model{};
  std::string operation{};
  double audio_seconds = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t latency_ms = 0;
  std::optional<double> cost_usd{};
  std::int64_t at_ms = 0;
};

// One place a call's transcript said one of a tracker's phrases (trackers, below): found when
// the transcript is stored, kept with the call.
struct TrackerHit {
  std::int64_t tracker_id = 0;
  std::string tracker_name{};
  std::string phrase{};         // The tracker's phrase that matched ("договор").
  std::string said{};           // The words as said in the transcript ("договора").
  std::string speaker{};        // The segment's: "manager", "client" or "" (not known).
  std::int64_t start_ms = 0;    // The segment's start on the recording.
  bool tracker_alerts = false;  // The tracker (as it is now) sends alerts on a hit.
  bool operator==(const TrackerHit&) const = default;
};

// A call with everything stored about it, for the call page and `GET /api/calls/{id}`.
struct CallDetails {
  CallRecord call;
  std::vector<RawEvent> events{};
  std::vector<TranscriptSegment> segments{};
  // The talk metrics computed from `segments` when they were saved (analytics::TalkMetricsToJson
  // as text); empty when the call has no transcript.
  std::string metrics_json{};
  std::optional<Summary> summary{};
  std::optional<ScorecardRecord> scorecard{};
  std::vector<Delivery> deliveries{};
  std::vector<StageRun> stage_runs{};
  std::vector<UsageRow> usage{};
  // Where the call's transcript said a tracker's words (TrackerHit), in transcript order.
  std::vector<TrackerHit> tracker_hits{};
};

// What the resolve stage learnt from voximplant.statistic.get (and user.get), written over the
// event's facts.
struct CallFactsUpdate {
  std::optional<int> call_type{};
  Direction direction = Direction::kUnknown;
  std::string client_number{};
  std::string portal_number{};
  std::optional<std::int64_t> portal_user_id{};
  std::string manager_name{};
  std::optional<int> duration_seconds{};
  std::optional<std::int64_t> started_at_ms{};
  std::string failed_code{};
  std::string failed_reason{};
  std::string crm_entity_type{};
  std::optional<std::int64_t> crm_entity_id{};
  std::optional<std::int64_t> crm_activity_id{};
  std::optional<std::int64_t> record_file_id{};
};

struct RecordingUpdate {
  std::string path{};
  std::int64_t bytes = 0;
  std::string sha256{};
};

// The end of one stage run, written in ONE transaction under the worker's lease: the stage's
// results (each optional), where the call goes next, and the stage_runs row. This is what makes a
// stage idempotent: its result and the move to the next stage are durable together or not at all.
struct StageOutcome {
  std::int64_t call_id = 0;
  std::string lease_owner{};
  std::int64_t lease_epoch = 0;  // The claim's (LeaseToken): a stale one writes nothing.
  Stage ran = Stage::kReceived;
  int attempt = 1;
  std::int64_t started_at_ms = 0;
  std::int64_t finished_at_ms = 0;

  Stage next = Stage::kReceived;
  // When the call is due again; nullopt means now. Used for waiting and for backoff.
  std::optional<std::int64_t> next_attempt_at_ms{};
  std::string run_outcome = "ok";  // As in StageRun::outcome.
  bool count_attempt = false;      // A failed try: attempts + 1 (else attempts restart at 0).
  std::string error{};             // Shown in the UI; empty clears the call's last error.
  std::string error_kind{};
  std::string skip_reason{};
  // False: committed without waiting for the disk (Access::kUnsynced in the store) — for a stage
  // that only costs time to run again, since a power cut may lose this result (a crash of the
  // process does not). It reaches the disk with the next synced commit.
  bool synced = true;

  std::optional<CallFactsUpdate> facts{};
  std::optional<RecordingUpdate> recording{};
  std::optional<std::string> audio_report_json{};
  std::optional<std::string> pii_report_json{};
  std::optional<std::vector<AudioChunk>> chunks{};
  std::optional<std::vector<TranscriptSegment>> segments{};
  std::optional<Summary> summary{};
  std::optional<ScorecardRecord> scorecard{};  // Replaces the call's scorecard when set.
};

enum class RetryResult { kRetried, kNotFound, kNotRetryable };

// What CallStore::EraseCall did. kInProgress: a worker holds the call now (a live lease), so
// erasing it would race the worker's next write or send; nothing was changed.
enum class EraseOutcome { kErased, kNotFound, kInProgress };
struct ErasedCall {
  EraseOutcome outcome = EraseOutcome::kNotFound;
  std::int64_t id = 0;  // Our id of the call (0 when not found): DATA_DIR/calls/<id>/.
};

// The key two client numbers are compared by when a person's calls are looked up: the digits,
// and for a Russian number of 11 digits starting with 7 or 8 the last 10 ("+7 916 123-45-67",
// "89161234567" and "9161234567" are one number). Empty when `number` has no digit.
std::string ClientNumberKey(std::string_view number);

// How far behind the workers are, for the operator's metrics (CallStore::QueueAt).
struct QueueStats {
  // Calls a free worker would claim now: a stage to run, due, no live lease.
  std::int64_t due = 0;
  // Since when the longest-waiting of them has been due (its next_attempt_at, or its receive time
  // when that is empty); nullopt when none is due.
  std::optional<std::int64_t> oldest_due_since_ms{};
  // Calls parked on a configuration error, waiting for the operator (not due before then).
  std::int64_t parked = 0;
};

// What the Calls list may be sorted by besides its start time: the manager's talk metrics
// (CallRecord's). Calls without the metric (mono, not transcribed yet) come last either way.
enum class CallSort {
  kStartedAt,
  kTalkShareManager,
  kLongestMonologueManager,
  kInterruptionsByManager
};
// The API's name of each: the name of the metric in the call's `metrics` ("started_at" for the
// default).
std::string_view CallSortName(CallSort sort);
std::optional<CallSort> CallSortFromName(std::string_view name);

// Filters and paging for the Calls list, newest first (or by a metric, ties newest first).
// Paging is by keyset (`cursor` is the `next_cursor` of the previous page of the same order), so
// page 1,000 costs what page 1 costs.
struct CallQuery {
  std::vector<Stage> stages{};  // Empty: any stage.
  std::optional<Direction> direction{};
  std::optional<std::int64_t> from_ms{};  // started_at >= from
  std::optional<std::int64_t> to_ms{};    // started_at < to
  std::string number_contains{};          // Digits matched against client and portal numbers.
  std::optional<std::int64_t> portal_user_id{};  // Calls of this operator only.
  std::string sentiment{};  // "positive", "neutral", "negative": calls whose summary says so.
  // Full-text search over transcripts and summaries: words (any form: "договор" finds
  // "договора") and "quoted phrases", all required (internal/search_text.h). Empty: no search.
  std::string q{};
  // Calls whose scorecard answers the custom question `answer_question` (issue 16, item 3) with
  // `answer_value` ("yes", "no", a text answer as stored; "*": answered at all). Empty: no filter.
  std::string answer_question{};
  std::string answer_value{};
  std::optional<std::int64_t> tracker_id{};  // Calls with at least one hit of this tracker.
  CallSort sort = CallSort::kStartedAt;
  bool ascending = false;  // Only for a metric: the start time always runs newest first.
  int limit = 50;
  std::string cursor{};
};

// A piece of a snippet: text as stored (never markup), `hit` where a searched word is.
struct SearchFragment {
  std::string text{};
  bool hit = false;
  bool operator==(const SearchFragment&) const = default;
};

// Where a search matched a call: a transcript segment (its start and speaker) or the summary.
struct SearchHit {
  bool in_summary = false;
  std::int64_t start_ms = 0;  // The segment's start; 0 for the summary.
  std::string speaker{};
  std::vector<SearchFragment> snippet{};
};

struct CallPage {
  std::vector<CallRecord> calls{};
  std::string next_cursor{};  // Empty on the last page.
  // With a search: the hits of each call by call id, the segments first in time order (at most
  // kMaxHitSegments), then the summary. A call matched by a phrase that only occurs across two
  // segments has no segment hit.
  std::map<std::int64_t, std::vector<SearchHit>> hits{};
  static constexpr int kMaxHitSegments = 3;
};

// ---- What the web UI reads besides calls (implemented in internal/sql_store_stats.cc) ----

// What one row of the Calls list shows of a call's summary.
struct SummaryBrief {
  std::int64_t call_id = 0;
  std::string sentiment{};
  std::string call_kind{};
  std::string headline{};  // The summary's `summary` text, at most kHeadlineChars characters.
  std::string client_name{};
  std::string company{};
  static constexpr int kHeadlineChars = 300;
};

// The dashboard's window: calls with from <= started_at < to, cut into days at local midnight of
// a fixed UTC offset (the browser's).
struct StatsQuery {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  int utc_offset_minutes = 0;
};

// One day of the dashboard. Days without calls are absent.
struct DayStats {
  std::string day{};  // "YYYY-MM-DD" at the query's offset.
  std::int64_t calls = 0;
  std::int64_t done = 0;
  std::int64_t skipped = 0;
  std::int64_t failed = 0;
  std::int64_t in_progress = 0;
  std::int64_t positive = 0;  // Sentiments of the day's summaries.
  std::int64_t neutral = 0;
  std::int64_t negative = 0;
  // Median of finished_at - received_at over the day's done calls; nullopt when none is done.
  std::optional<std::int64_t> median_latency_ms{};
  std::int64_t talk_seconds = 0;  // Sum of duration_seconds.
  double cost_usd = 0;
};

// One operator's conversations over the dashboard's window (issue 16, item 4): calls started in
// the window, and the talk metrics of those with a two-party transcript (the others have none).
// A checklist criterion an operator's calls failed (answered "no") in the dashboard's window.
struct FailedCriterion {
  std::string id{};
  std::string question{};  // As in the newest scorecard that failed it.
  bool critical = false;
  std::int64_t calls = 0;                // The calls that failed it.
  std::vector<std::int64_t> call_ids{};  // The newest of them, at most kCallsShown.
  static constexpr std::size_t kCallsShown = 5;
};

struct ManagerStats {
  std::int64_t portal_user_id = 0;
  std::string name{};  // As on the operator's latest call; empty when user.get has not named them.
  std::int64_t calls = 0;
  std::int64_t measured_calls = 0;  // With the manager's talk metrics (two-party transcripts).
  // Means over the measured calls (each call counts once), null when none is measured.
  std::optional<double> talk_share_manager{};  // 0…1
  std::optional<double> longest_monologue_seconds{};
  std::optional<double> interruptions_per_call{};
  std::optional<double> max_monologue_seconds{};  // The longest of the window.
  // Scorecards (migration 10): the calls scored with a score, their mean (0…100, null when none),
  // the mean of each week of the window (7 days from its start, oldest first; null for a week
  // without one), and the criteria failed most often (most calls first, critical first on a tie,
  // at most kFailedShown).
  std::int64_t scored_calls = 0;
  std::optional<double> average_score{};
  std::vector<std::optional<double>> score_by_week{};
  std::vector<FailedCriterion> failed_criteria{};
  static constexpr std::size_t kFailedShown = 3;
};

// An operator who has calls, for the Calls list's manager filter.
struct ManagerRef {
  std::int64_t portal_user_id = 0;
  std::string name{};  // Empty when user.get has not named them.
  std::int64_t calls = 0;
};

// ---- Trackers (issue 17, item 2; implemented in internal/sql_store_trackers.cc) ----

// Whose lines a tracker listens to.
enum class TrackerSide { kBoth, kManager, kClient };
std::string_view TrackerSideName(TrackerSide side);  // "both", "manager", "client".
std::optional<TrackerSide> TrackerSideFromName(std::string_view name);

// A named list of words and phrases ("Конкуренты": "Мебель-Маркет", "другой поставщик") looked
// for in every transcript the store saves, in any word form ("договор" matches "договора"), on
// the side's lines. Hits are found when a transcript is stored: a new or changed tracker applies
// to calls transcribed from then on.
struct Tracker {
  std::int64_t id = 0;  // 0: not stored yet.
  std::string name{};
  TrackerSide side = TrackerSide::kBoth;
  std::vector<std::string> phrases{};
  // Send an alert to TELEGRAM_ALERT_CHAT_ID when a call hits this tracker (pipeline alerts).
  bool alert = false;
  std::int64_t updated_at_ms = 0;
  bool operator==(const Tracker&) const = default;
};

// Limits of a tracker, checked when it is saved (kInvalidInput naming what is wrong).
inline constexpr std::size_t kMaxTrackers = 100;
inline constexpr std::size_t kMaxTrackerNameChars = 80;
inline constexpr std::size_t kMaxTrackerPhrases = 100;
inline constexpr std::size_t kMaxTrackerPhraseBytes = 200;
inline constexpr std::size_t kMaxTrackerPhraseWords = 8;
// At most this many hits are kept per call (a pathological transcript cannot fill the table).
inline constexpr std::size_t kMaxTrackerHitsPerCall = 500;

// The dashboard's count of one tracker over the calls of a window (StatsQuery).
struct TrackerCount {
  std::int64_t tracker_id = 0;
  std::string name{};
  std::int64_t calls = 0;  // Calls with at least one hit.
  std::int64_t hits = 0;
};

}  // namespace callbrief::store
