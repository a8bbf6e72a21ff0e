#include "bitrix/timeline.h"

#include <cctype>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bitrix/json_fields.h"

namespace callbrief::bitrix {
namespace {

using core::Error;

constexpr std::string_view kEllipsisLine = "\n\u2026\n";

bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

// `text` without trailing spaces, tabs and line breaks.
std::string_view TrimEnd(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// The longest prefix of `text` of at most `max_bytes` that ends on a UTF-8 boundary and not
// inside a "[tag" that the cut left unclosed.
std::string_view CutForComment(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string_view kept = text.substr(0, cut);
  auto open = kept.rfind('[');
  if (open != std::string_view::npos) {
    auto close = kept.rfind(']');
    if (close == std::string_view::npos || close < open) kept = kept.substr(0, open);
  }
  return TrimEnd(kept);
}

std::optional<std::int64_t> CommentId(const nlohmann::json& result) {
  if (result.is_number_integer()) return result.get<std::int64_t>();
  if (result.is_string()) {
    nlohmann::json wrapped = {{"ID", result}};
    return IntegerField(wrapped, "ID");
  }
  return std::nullopt;
}

// The id of the target's comment carrying the call's marker, among its newest comments.
core::Result<std::optional<std::int64_t>> FindComment(RestClient& rest,
                                                      const TimelineTarget& target,
                                                      std::string_view call_id) {
  std::int64_t start = 0;
  for (int page = 0; page < kMaxCommentPages; ++page) {
    auto reply = rest.Call(
        "crm.timeline.comment.list",
        {{"filter", {{"ENTITY_ID", target.entity_id}, {"ENTITY_TYPE", target.entity_type}}},
         {"order", {{"ID", "DESC"}}},
         {"start", start}});
    if (!reply) return reply.error();
    const nlohmann::json& rows = reply->result;
    if (!rows.is_array() && !rows.is_object()) {
      return Error::Permanent("crm.timeline.comment.list: the result is not a list");
    }
    for (const auto& row : rows) {
      if (!row.is_object() || !HasCommentMarker(TextField(row, "COMMENT"), call_id)) continue;
      if (auto id = IntegerField(row, "ID"); id && *id > 0) return std::optional<std::int64_t>(*id);
    }
    if (!reply->next || *reply->next <= start) break;
    start = *reply->next;
  }
  return std::optional<std::int64_t>();
}

}  // namespace

std::string CommentMarker(std::string_view call_id) { return "callbrief:" + EscapeBbText(call_id); }

bool HasCommentMarker(std::string_view comment, std::string_view call_id) {
  const std::string marker = CommentMarker(call_id);
  for (auto pos = comment.find(marker); pos != std::string_view::npos;
       pos = comment.find(marker, pos + 1)) {
    auto end = pos + marker.size();
    bool clean_start = pos == 0 || !std::isalnum(static_cast<unsigned char>(comment[pos - 1]));
    bool clean_end = end == comment.size() || !IsIdChar(comment[end]);
    if (clean_start && clean_end) return true;
  }
  return false;
}

std::string BuildTimelineComment(std::string_view comment_bbcode, std::string_view call_id) {
  const std::string marker = CommentMarker(call_id);
  std::string_view text = TrimEnd(comment_bbcode);
  if (text.size() <= kMaxCommentBytes && HasCommentMarker(text, call_id)) return std::string(text);
  if (text.size() + 1 + marker.size() <= kMaxCommentBytes) {
    return text.empty() ? marker : fmt::format("{}\n{}", text, marker);
  }
  std::size_t overhead = kEllipsisLine.size() + marker.size();
  std::size_t room = overhead < kMaxCommentBytes ? kMaxCommentBytes - overhead : 0;
  return fmt::format("{}{}{}", CutForComment(text, room), kEllipsisLine, marker);
}

core::Result<std::int64_t> AddCommentOnce(RestClient& rest, const TimelineTarget& target,
                                          std::string_view call_id, std::string_view comment_bbcode,
                                          bool previous_attempt_unknown) {
  std::string context = fmt::format("adding the timeline comment of call {} to {} {}", call_id,
                                    target.entity_type, target.entity_id);
  if (previous_attempt_unknown) {
    auto existing = FindComment(rest, target, call_id);
    if (!existing) return existing.error().WithContext(context);
    if (*existing) {
      spdlog::info("call {}: the timeline comment is already there ({} {}, comment {})", call_id,
                   target.entity_type, target.entity_id, **existing);
      return **existing;
    }
  }
  auto reply = rest.Call("crm.timeline.comment.add",
                         {{"fields",
                           {{"ENTITY_ID", target.entity_id},
                            {"ENTITY_TYPE", target.entity_type},
                            {"COMMENT", BuildTimelineComment(comment_bbcode, call_id)}}}});
  if (!reply) return reply.error().WithContext(context);
  auto id = CommentId(reply->result);
  if (!id || *id <= 0) {
    return Error::Permanent(
        fmt::format("{}: crm.timeline.comment.add answered no comment id", context));
  }
  return *id;
}

}  // namespace callbrief::bitrix
