#include "bitrix/crm_links.h"

#include <cctype>

#include <fmt/format.h>

namespace callbrief::bitrix {

std::string PortalUrl(std::string_view webhook_url) {
  const std::size_t scheme = webhook_url.find("://");
  if (scheme == std::string_view::npos) return "";
  const std::size_t path = webhook_url.find('/', scheme + 3);
  if (path == scheme + 3) return "";
  return std::string(webhook_url.substr(0, path));
}

std::string CrmEntityUrl(std::string_view portal_url, std::string_view entity_type,
                         std::optional<std::int64_t> entity_id) {
  if (portal_url.empty() || entity_type.empty() || !entity_id) return {};
  std::string type;
  for (char c : entity_type) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return {};
    type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (type != "contact" && type != "company" && type != "lead" && type != "deal") return {};
  while (portal_url.ends_with('/')) portal_url.remove_suffix(1);
  return fmt::format("{}/crm/{}/details/{}/", portal_url, type, *entity_id);
}

}  // namespace callbrief::bitrix
