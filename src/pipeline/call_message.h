#pragma once

#include <string>

#include "core/result.h"
#include "notify/message.h"
#include "store/call.h"

namespace callbrief::pipeline {

struct MessageContext {
  std::string public_url;       // PUBLIC_URL, no trailing '/'; empty: no link to our call page.
  std::string portal_url;       // "https://acme.bitrix24.ru", from BITRIX24_WEBHOOK_URL.
  int utc_offset_minutes = 180;  // How the start time is shown.
};

// "https://acme.bitrix24.ru" of ".../rest/1/code/"; "" when the URL has no host. Pure.
std::string PortalUrl(std::string_view webhook_url);

// The CRM card of a call's client in Bitrix24 ("…/crm/contact/details/77/"); "" when the call is
// bound to no contact, company, lead or deal. Pure.
std::string CrmEntityUrl(std::string_view portal_url, std::string_view entity_type,
                         std::optional<std::int64_t> entity_id);

// What Telegram and the timeline show for a call: its facts, the stored summary, the transcript.
// For an incoming call "from" is the client and "to" the line; for an outgoing one the reverse.
// kPermanent when the stored summary is not readable. Pure.
core::Result<notify::CallMessage> CallMessageFrom(const store::CallDetails& details,
                                                  const MessageContext& context);

}  // namespace callbrief::pipeline
