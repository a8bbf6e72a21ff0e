#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bitrix/bbcode.h"
#include "bitrix/call_facts.h"
#include "bitrix/rest_client.h"
#include "bitrix/timeline_target.h"
#include "core/result.h"

namespace callbrief::bitrix {

// What ties a comment to its call, so a retry can find the comment an earlier attempt added:
// "callbrief:<CALL_ID>", on the comment's last line, in plain ASCII.
// Not "[callbrief:…]": Bitrix24's newer BB-code parser (ui.bbcode.parser) takes any
// "[word…]" with letters, digits, spaces and . / : = inside for a tag, so a bracketed marker could
// be swallowed or shown oddly, and brackets are what user text must not produce (see bbcode.h).
// A call id holding [ ] < > is escaped as EscapeBbText does. Pure.
std::string CommentMarker(std::string_view call_id);

// Whether `comment` (as crm.timeline.comment.list returns it) carries the marker of `call_id`,
// and not of a call whose id merely starts with it ("X.1" is not "X.12"). Pure.
bool HasCommentMarker(std::string_view comment, std::string_view call_id);

// Bitrix24 documents no length limit; the column is text, 64 KB in MySQL. We stay under it.
inline constexpr std::size_t kMaxCommentBytes = 60'000;

// The COMMENT to send: `comment_bbcode` with the marker appended on a line of its own unless it
// already carries it, and, if that would exceed kMaxCommentBytes, cut on a UTF-8 boundary (never
// inside a "[tag"), followed by a line "…" and the marker. Never longer than kMaxCommentBytes.
// Pure.
std::string BuildTimelineComment(std::string_view comment_bbcode, std::string_view call_id);

// How many pages of 50 comments AddCommentOnce reads looking for an earlier attempt's comment.
// That comment is recent and the list is newest first, so it is on the first page unless hundreds
// of comments were added to the item meanwhile.
inline constexpr int kMaxCommentPages = 10;

// Adds the call's comment to the target's timeline once, returning the comment's id.
// `comment_bbcode` is BB-code we composed; user text in it must already be escaped (bbcode.h).
// When `previous_attempt_unknown` — an earlier add may have reached Bitrix24 (a timeout, a crash
// between sending and storing the id) — the newest comments of the target are searched for the
// call's marker first (crm.timeline.comment.list, newest first, at most kMaxCommentPages pages of
// 50) and the id of a match is returned without adding. Otherwise, and when none matches,
// crm.timeline.comment.add posts BuildTimelineComment(comment_bbcode, call_id).
// Errors keep the REST client's kinds, with context
// "adding the timeline comment of call <CALL_ID> to <type> <id>". After a failure the comment may
// have been added all the same (a timeout after Bitrix24 stored it): pass true next time.
core::Result<std::int64_t> AddCommentOnce(RestClient& rest, const TimelineTarget& target,
                                          std::string_view call_id, std::string_view comment_bbcode,
                                          bool previous_attempt_unknown);

}  // namespace callbrief::bitrix
