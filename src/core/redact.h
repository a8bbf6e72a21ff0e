#pragma once

#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace callbrief::core {

// Masks secrets in any text before it leaves the process (log lines, API errors, UI). Two layers:
//  - exact values registered at start-up (tokens, API keys, passwords, the webhook code), so a
//    secret is masked even inside an error message quoted from a library;
//  - shapes that are secret whatever their value: the code in a Bitrix24 webhook URL
//    (/rest/1/CODE/), a Telegram bot token in an API path (/bot123:ABC/), `Bearer …` credentials,
//    and token-like form or JSON fields (application_token, access_token, refresh_token, password).
// Thread-safe; Apply() may be called from any thread while secrets are added.
class Redactor {
 public:
  static constexpr std::string_view kMask = "***";

  void AddSecret(std::string secret);
  std::string Apply(std::string_view text) const;

 private:
  mutable std::shared_mutex mutex_;
  std::vector<std::string> secrets_;  // Longest first, so a secret containing another is whole.
};

// The process-wide redactor used by logging and by every error shown to a person.
Redactor& GlobalRedactor();
inline std::string Redact(std::string_view text) { return GlobalRedactor().Apply(text); }

}  // namespace callbrief::core
