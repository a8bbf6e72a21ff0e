#pragma once

#include <cstddef>
#include <string>

#include "notify/message.h"

namespace callbrief::notify {

// How much of the transcript the timeline comment quotes: whole lines while the excerpt stays
// within this many UTF-8 bytes. The comment points to the call page for the rest.
inline constexpr std::size_t kTimelineTranscriptExcerptBytes = 1500;

// The call as a Bitrix24 CRM timeline comment in BB-code: the same content as the Telegram
// message ([B] headings, "•" lines, [URL=…] links), and, when the message carries a transcript,
// its first lines in a [QUOTE] with "…" when shortened and a link to the call page for the rest.
// Why a short quote and not a collapsed block: Bitrix24's text parser knows [SPOILER], but the
// rules the timeline passes it (crm CommentController::convertToHtml) do not name it, so whether
// a comment shows it folded or as literal "[SPOILER]" text is unknown; [QUOTE] is in those rules.
// User text is escaped with bitrix::EscapeBbText; link targets are percent-encoded where they hold
// [ ] or whitespace. The result has no call marker: bitrix::BuildTimelineComment adds it. Pure.
std::string FormatTimelineComment(const CallMessage& message);

}  // namespace callbrief::notify
