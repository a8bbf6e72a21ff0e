#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callbrief::bitrix {

// "https://acme.bitrix24.ru" of an inbound webhook URL ".../rest/1/code/" — the portal's origin,
// never the secret path; "" when the URL has no host. Pure.
std::string PortalUrl(std::string_view webhook_url);

// The Bitrix24 page of a CRM entity ("CONTACT", 42 → https://portal/crm/contact/details/42/), or
// "" when the portal, the type (contact, company, lead, deal) or the id is unknown. Pure.
std::string CrmEntityUrl(std::string_view portal_url, std::string_view entity_type,
                         std::optional<std::int64_t> entity_id);

}  // namespace callbrief::bitrix
