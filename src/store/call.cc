#include "store/call.h"

#include <array>
#include <utility>

namespace callbrief::store {
namespace {

constexpr std::array<Stage, 10> kAllStages = {
    Stage::kReceived,  Stage::kResolve, Stage::kDownload, Stage::kPrepare, Stage::kTranscribe,
    Stage::kSummarize, Stage::kDeliver, Stage::kDone,     Stage::kSkipped, Stage::kFailed};

constexpr std::array<std::pair<Stage, std::string_view>, kAllStages.size()> kStageNames = {{
    {Stage::kReceived, "received"},
    {Stage::kResolve, "resolve"},
    {Stage::kDownload, "download"},
    {Stage::kPrepare, "prepare"},
    {Stage::kTranscribe, "transcribe"},
    {Stage::kSummarize, "summarize"},
    {Stage::kDeliver, "deliver"},
    {Stage::kDone, "done"},
    {Stage::kSkipped, "skipped"},
    {Stage::kFailed, "failed"},
}};

constexpr std::array<std::pair<CallSort, std::string_view>, 4> kSortNames = {{
    {CallSort::kStartedAt, "started_at"},
    {CallSort::kTalkShareManager, "talk_share_manager"},
    {CallSort::kLongestMonologueManager, "longest_monologue_manager_seconds"},
    {CallSort::kInterruptionsByManager, "interruptions_by_manager"},
}};

}  // namespace

std::string_view CallSortName(CallSort sort) {
  for (const auto& [s, name] : kSortNames) {
    if (s == sort) return name;
  }
  return "started_at";
}

std::optional<CallSort> CallSortFromName(std::string_view name) {
  for (const auto& [s, n] : kSortNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

std::string_view StageName(Stage stage) {
  for (const auto& [s, name] : kStageNames) {
    if (s == stage) return name;
  }
  return "unknown";
}

std::optional<Stage> StageFromName(std::string_view name) {
  for (const auto& [s, n] : kStageNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

std::span<const Stage> AllStages() { return kAllStages; }

bool IsTerminal(Stage stage) {
  return stage == Stage::kDone || stage == Stage::kSkipped || stage == Stage::kFailed;
}

std::string_view DirectionName(Direction direction) {
  switch (direction) {
    case Direction::kIncoming:
      return "incoming";
    case Direction::kOutgoing:
      return "outgoing";
    case Direction::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<Direction> DirectionFromName(std::string_view name) {
  if (name == "incoming") return Direction::kIncoming;
  if (name == "outgoing") return Direction::kOutgoing;
  if (name == "unknown") return Direction::kUnknown;
  return std::nullopt;
}

std::string_view CallSourceName(CallSource source) {
  switch (source) {
    case CallSource::kWebhook:
      return "webhook";
    case CallSource::kReconcile:
      return "reconcile";
    case CallSource::kBackfill:
      return "backfill";
    case CallSource::kManual:
      return "manual";
  }
  return "webhook";
}

std::optional<CallSource> CallSourceFromName(std::string_view name) {
  for (CallSource source :
       {CallSource::kWebhook, CallSource::kReconcile, CallSource::kBackfill, CallSource::kManual}) {
    if (CallSourceName(source) == name) return source;
  }
  return std::nullopt;
}

std::string_view TrackerSideName(TrackerSide side) {
  switch (side) {
    case TrackerSide::kManager:
      return "manager";
    case TrackerSide::kClient:
      return "client";
    case TrackerSide::kBoth:
      return "both";
  }
  return "both";
}

std::optional<TrackerSide> TrackerSideFromName(std::string_view name) {
  if (name == "both") return TrackerSide::kBoth;
  if (name == "manager") return TrackerSide::kManager;
  if (name == "client") return TrackerSide::kClient;
  return std::nullopt;
}

std::string ClientNumberKey(std::string_view number) {
  std::string digits;
  for (char ch : number) {
    if (ch >= '0' && ch <= '9') digits += ch;
  }
  if (digits.size() == 11 && (digits[0] == '7' || digits[0] == '8')) digits.erase(0, 1);
  return digits;
}

}  // namespace callbrief::store
