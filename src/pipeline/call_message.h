#pragma once

#include <string>

#include "core/result.h"
#include "notify/message.h"
#include "store/call.h"

namespace callbrief::pipeline {

struct MessageContext {
  std::string public_url{};      // PUBLIC_URL, no trailing '/'; empty: no link to our call page.
  std::string portal_url{};      // "https://acme.bitrix24.ru", from BITRIX24_WEBHOOK_URL.
  int utc_offset_minutes = 180;  // How the start time is shown.
  // MESSAGE_ANALYTICS_LINE: the message gets the conversation's figures (notify::CallMessage::
  // figures); false keeps the seed's exact format.
  bool analytics_line = false;
};

// What Telegram and the timeline show for a call: its facts, the stored summary, the transcript.
// For an incoming call "from" is the client and "to" the line; for an outgoing one the reverse.
// kPermanent when the stored summary is not readable. Pure.
core::Result<notify::CallMessage> CallMessageFrom(const store::CallDetails& details,
                                                  const MessageContext& context);

}  // namespace callbrief::pipeline
