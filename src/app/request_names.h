#pragma once

#include <string>
#include <string_view>

#include "net/observed_http_client.h"

namespace callbrief::app {

// How the operator's metrics name the requests to each provider (net::RequestName): a provider as
// the cost records name it and a method from a fixed set, never anything of the URL that holds a
// secret (the webhook code, the bot token) or that grows with the calls. Pure.

// The Bitrix24 client's requests: the REST method ("voximplant.statistic.get"; `webhook_url` is
// BITRIX24_WEBHOOK_URL, ending in '/'), "download" for a recording. Provider "bitrix24".
net::RequestName NameBitrixRequest(std::string_view webhook_url, const net::HttpRequest& request,
                                   net::Exchange exchange);

// The base URLs the shared provider client talks to (config: TRANSCRIBE_BASE_URL,
// OPENAI_BASE_URL, TELEGRAM_API_BASE_URL; without a trailing '/').
struct ProviderBases {
  std::string transcribe{};
  std::string chat{};
  std::string telegram{};
};

// The shared provider client's requests: "openai-transcribe" and "openai-chat" with the API path
// ("audio/transcriptions", "chat/completions", "models"), "telegram" with the Bot API method
// ("sendMessage", "getMe"). Anything else is "other".
net::RequestName NameProviderRequest(const ProviderBases& bases, const net::HttpRequest& request,
                                     net::Exchange exchange);

}  // namespace callbrief::app
