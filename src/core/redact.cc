#include "core/redact.h"

#include <algorithm>
#include <array>

namespace callbrief::core {
namespace {

// Secrets shorter than this are not registered: masking "1" or "ab" everywhere would garble logs
// while protecting nothing.
constexpr size_t kMinSecretLength = 4;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
// Characters a token, key or URL-encoded value is made of.
bool IsValueChar(char c) {
  return IsAlnum(c) || c == '_' || c == '-' || c == '.' || c == '~' || c == '%' || c == '+' ||
         c == '/' || c == '=' || c == ':';
}
bool IsPathSegmentChar(char c) { return IsAlnum(c) || c == '_' || c == '-' || c == '%'; }

size_t SpanOf(std::string_view text, size_t from, bool (*pred)(char)) {
  size_t end = from;
  while (end < text.size() && pred(text[end])) ++end;
  return end - from;
}

// Replaces text[from, from+len) by the mask unless it is empty or already the mask.
size_t MaskAt(std::string& text, size_t from, size_t len) {
  if (len == 0 || text.compare(from, len, Redactor::kMask) == 0) return from + len;
  text.replace(from, len, Redactor::kMask);
  return from + Redactor::kMask.size();
}

// /rest/<digits>/<code>  →  /rest/<digits>/***
void MaskWebhookCodes(std::string& text) {
  for (size_t at = text.find("/rest/"); at != std::string::npos; at = text.find("/rest/", at + 1)) {
    size_t user = at + 6;
    size_t digits = SpanOf(text, user, IsDigit);
    if (digits == 0 || user + digits >= text.size() || text[user + digits] != '/') continue;
    size_t code = user + digits + 1;
    MaskAt(text, code, SpanOf(text, code, IsPathSegmentChar));
  }
}

// /bot<digits>:<token>  →  /bot<digits>:***   (Telegram Bot API paths)
void MaskBotTokens(std::string& text) {
  for (size_t at = text.find("bot"); at != std::string::npos; at = text.find("bot", at + 1)) {
    size_t digits = SpanOf(text, at + 3, IsDigit);
    size_t colon = at + 3 + digits;
    if (digits == 0 || colon >= text.size() || text[colon] != ':') continue;
    MaskAt(text, colon + 1, SpanOf(text, colon + 1, IsPathSegmentChar));
  }
}

// "Bearer <token>" and "Basic <credentials>" in quoted headers.
void MaskAuthorizationSchemes(std::string& text) {
  for (std::string_view scheme : {"Bearer ", "Basic "}) {
    for (size_t at = text.find(scheme); at != std::string::npos; at = text.find(scheme, at + 1)) {
      size_t value = at + scheme.size();
      MaskAt(text, value, SpanOf(text, value, IsValueChar));
    }
  }
}

// name=value, name]=value, name%5D=value, "name":"value", name: value  →  value masked.
void MaskNamedFields(std::string& text) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "application_token", "access_token",  "refresh_token", "password",
      "api_key",           "client_secret", "secret"};
  for (std::string_view name : kNames) {
    for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
      size_t pos = at + name.size();
      auto skip = [&](std::string_view token) {
        if (text.compare(pos, token.size(), token) == 0) pos += token.size();
      };
      skip("\"");
      skip("]");
      skip("%5D");
      skip("%5d");
      while (pos < text.size() && text[pos] == ' ') ++pos;
      if (pos >= text.size() || (text[pos] != '=' && text[pos] != ':')) continue;
      ++pos;
      while (pos < text.size() && text[pos] == ' ') ++pos;
      skip("\"");
      // The value runs to a delimiter; ':' is excluded so "secret": "a:b" still masks all of it.
      size_t len = 0;
      while (pos + len < text.size() && text[pos + len] != '"' && text[pos + len] != '&' &&
             text[pos + len] != ',' && text[pos + len] != '}' && text[pos + len] != ' ' &&
             text[pos + len] != '\n') {
        ++len;
      }
      MaskAt(text, pos, len);
    }
  }
}

// ?token=… / &token=… / ?auth=… / &auth=…  →  value masked. A Bitrix24 Disk DOWNLOAD_URL of an
// inbound webhook is https://PORTAL/rest/USER/CODE/download/?token=disk|… (the code masked by
// MaskWebhookCodes), and its token is a signed, base64 copy of the webhook's user and code, so it
// is as secret as the code; OAuth-style links carry `auth=` (an access token) instead.
void MaskQueryTokens(std::string& text) {
  for (std::string_view name : {"token=", "auth="}) {
    for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
      if (at == 0 || (text[at - 1] != '?' && text[at - 1] != '&')) continue;
      size_t value = at + name.size();
      size_t len = 0;
      while (value + len < text.size() && text[value + len] != '&' && text[value + len] != '"' &&
             text[value + len] != '\'' && text[value + len] != '#' && text[value + len] != ' ' &&
             text[value + len] != '\n' && text[value + len] != '\t' && text[value + len] != '<' &&
             text[value + len] != '>' && text[value + len] != ')') {
        ++len;
      }
      MaskAt(text, value, len);
    }
  }
}

// scheme://user:password@host  →  scheme://user:***@host
void MaskUrlPasswords(std::string& text) {
  for (size_t at = text.find("://"); at != std::string::npos; at = text.find("://", at + 1)) {
    size_t start = at + 3;
    size_t end = start;
    while (end < text.size() && text[end] != '@' && text[end] != '/' && text[end] != ' ') ++end;
    if (end >= text.size() || text[end] != '@') continue;
    size_t colon = text.find(':', start);
    if (colon == std::string::npos || colon > end) continue;
    MaskAt(text, colon + 1, end - colon - 1);
  }
}

}  // namespace

void Redactor::AddSecret(std::string secret) {
  if (secret.size() < kMinSecretLength) return;
  std::unique_lock lock(mutex_);
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.push_back(std::move(secret));
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::Apply(std::string_view input) const {
  std::string text(input);
  {
    std::shared_lock lock(mutex_);
    for (const std::string& secret : secrets_) {
      for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
        text.replace(at, secret.size(), kMask);
        at += kMask.size();
      }
    }
  }
  MaskWebhookCodes(text);
  MaskBotTokens(text);
  MaskAuthorizationSchemes(text);
  MaskNamedFields(text);
  MaskQueryTokens(text);
  MaskUrlPasswords(text);
  return text;
}

Redactor& GlobalRedactor() {
  static Redactor* redactor = new Redactor();  // Never destroyed: logging may run at exit.
  return *redactor;
}

}  // namespace callbrief::core
