#include "app/request_names.h"

#include <algorithm>
#include <array>
#include <optional>

namespace callbrief::app {
namespace {

constexpr std::string_view kOther = "other";
constexpr std::size_t kMaxMethodLength = 64;

// The URL without its query string or fragment.
std::string_view WithoutQuery(std::string_view url) {
  return url.substr(0, std::min(url.find('?'), url.find('#')));
}

// What follows `base` + "/" in `url`, or nullopt when `url` is not under `base`.
std::optional<std::string_view> PathUnder(std::string_view url, std::string_view base) {
  if (base.empty() || !url.starts_with(base) || url.substr(base.size(), 1) != "/") {
    return std::nullopt;
  }
  return url.substr(base.size() + 1);
}

// A method name we send: letters, digits, dots and underscores (Bitrix24's
// "telephony.call.attachTranscription", the Bot API's "sendMessage").
bool IsMethodName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxMethodLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_';
         });
}

std::string MethodOrOther(std::string_view name) {
  return std::string(IsMethodName(name) ? name : kOther);
}

// The OpenAI-compatible API paths callbrief uses (asr, llm, openai::CheckModel).
std::string OpenAiMethod(std::string_view path) {
  constexpr std::array<std::string_view, 3> kPaths = {"audio/transcriptions", "chat/completions",
                                                      "models"};
  for (std::string_view known : kPaths) {
    if (path == known) return std::string(known);
  }
  if (path.starts_with("models/")) return "models";
  return std::string(kOther);
}

}  // namespace

net::RequestName NameBitrixRequest(std::string_view webhook_url, const net::HttpRequest& request,
                                   net::Exchange exchange) {
  if (exchange == net::Exchange::kDownload) return {"bitrix24", "download"};
  std::string_view url = WithoutQuery(request.url);
  if (webhook_url.empty() || !url.starts_with(webhook_url)) return {"bitrix24", "other"};
  std::string_view method = url.substr(webhook_url.size());
  if (method.ends_with(".json")) method.remove_suffix(5);
  return {"bitrix24", MethodOrOther(method)};
}

net::RequestName NameProviderRequest(const ProviderBases& bases, const net::HttpRequest& request,
                                     net::Exchange /*exchange*/) {
  const std::string_view url = WithoutQuery(request.url);
  if (auto path = PathUnder(url, bases.telegram); path && path->starts_with("bot")) {
    // bot<token>/<method>: only what follows the token's slash is kept.
    const std::size_t slash = path->find('/');
    if (slash == std::string_view::npos) return {"telegram", std::string(kOther)};
    return {"telegram", MethodOrOther(path->substr(slash + 1))};
  }
  const auto transcribe_path = PathUnder(url, bases.transcribe);
  const auto chat_path = PathUnder(url, bases.chat);
  if (!transcribe_path && !chat_path) return {std::string(kOther), std::string(kOther)};
  const std::string method = OpenAiMethod(transcribe_path ? *transcribe_path : *chat_path);
  // The path says which API it is; a model list goes to the server it was asked of (the chat
  // server when both are one).
  if (method == "audio/transcriptions") return {"openai-transcribe", method};
  if (method == "chat/completions" || chat_path) return {"openai-chat", method};
  return {"openai-transcribe", method};
}

}  // namespace callbrief::app
