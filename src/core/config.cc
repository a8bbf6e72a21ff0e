#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace callbrief::core {
namespace {

Error Invalid(std::string_view name, std::string_view expected) {
  return Error::Config(fmt::format("{}: {}", name, expected));
}

bool ParseInt64(std::string_view text, std::int64_t* out) {
  if (text.starts_with('+')) text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

// Reads an integer variable within [min, max] into *out, leaving the default when unset.
Status ReadInt(const Environment& env, std::string_view name, std::int64_t min, std::int64_t max,
               auto* out) {
  auto raw = env.Get(name);
  if (!raw) return Ok();
  std::int64_t value = 0;
  if (!ParseInt64(*raw, &value) || value < min || value > max) {
    return Invalid(name, fmt::format("must be a whole number from {} to {}, got \"{}\"", min, max,
                                     raw->substr(0, 32)));
  }
  *out = static_cast<std::remove_pointer_t<decltype(out)>>(value);
  return Ok();
}

// "+03:00", "-05:30", "+7", "0": minutes east of UTC, from -12:00 to +14:00.
Status ReadUtcOffset(const Environment& env, std::string_view name, int* out) {
  auto raw = env.Get(name);
  if (!raw || raw->empty()) return Ok();
  auto invalid = [&] {
    return Invalid(name, fmt::format("must be an offset from UTC such as +03:00, -05:30 or +7, "
                                     "got \"{}\"",
                                     raw->substr(0, 16)));
  };
  std::string_view text = *raw;
  int sign = 1;
  if (text.front() == '+' || text.front() == '-') {
    sign = text.front() == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  int hours = 0;
  int minutes = 0;
  std::size_t colon = text.find(':');
  auto number = [](std::string_view digits, int* value) {
    if (digits.empty() || digits.size() > 2) return false;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), *value);
    return error == std::errc() && end == digits.data() + digits.size();
  };
  if (!number(text.substr(0, colon), &hours)) return invalid();
  if (colon != std::string_view::npos &&
      (!number(text.substr(colon + 1), &minutes) || text.size() - colon - 1 != 2 || minutes > 59)) {
    return invalid();
  }
  const int total = sign * (hours * 60 + minutes);
  if (total < -12 * 60 || total > 14 * 60) return invalid();
  *out = total;
  return Ok();
}

Status ReadBool(const Environment& env, std::string_view name, bool* out) {
  auto raw = env.Get(name);
  if (!raw) return Ok();
  if (*raw == "true" || *raw == "1" || *raw == "yes" || *raw == "on") {
    *out = true;
  } else if (*raw == "false" || *raw == "0" || *raw == "no" || *raw == "off" || raw->empty()) {
    *out = false;
  } else {
    return Invalid(name, fmt::format("must be true or false, got \"{}\"", raw->substr(0, 16)));
  }
  return Ok();
}

void ReadString(const Environment& env, std::string_view name, std::string* out) {
  if (auto raw = env.Get(name)) *out = *raw;
}

// scheme://host[:port][/path] with scheme http or https; returns the part after "://".
std::optional<std::string_view> HttpUrlRest(std::string_view url) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (url.starts_with(scheme)) {
      std::string_view rest = url.substr(scheme.size());
      size_t host_end = rest.find('/');
      std::string_view host = rest.substr(0, host_end);
      if (host.empty() || host.find_first_of(" \t@?#") != std::string_view::npos)
        return std::nullopt;
      return rest;
    }
  }
  return std::nullopt;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool IsWebhookCode(std::string_view s) {
  return !s.empty() && s.find_first_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                           "0123456789_-") == std::string_view::npos;
}

// A host of Bitrix24's cloud: bitrix24 as a label before the last one (acme.bitrix24.ru,
// acme.bitrix24.com, acme.bitrix24.com.br), any port. On-premise portals have their own names.
bool IsBitrix24CloudHost(std::string_view host_port) {
  std::string host(host_port.substr(0, host_port.find(':')));
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t at = host.find("bitrix24."); at != std::string::npos;
       at = host.find("bitrix24.", at + 1)) {
    if ((at == 0 || host[at - 1] == '.') && at + 9 < host.size()) return true;
  }
  return false;
}

// A RECORDING_HOSTS entry that can match something: a host name or IP literal, or ".domain.tld"
// (a suffix rule needs a registrable domain, not just a top-level one).
bool IsRecordingHostRule(std::string_view rule) {
  if (rule.empty() || rule.find_first_of("/@?#*") != std::string_view::npos) return false;
  if (!rule.starts_with('.')) return true;
  std::string_view domain = rule.substr(1);
  if (domain.ends_with('.')) domain.remove_suffix(1);
  return !domain.empty() && domain.front() != '.' && domain.find('.') != std::string_view::npos &&
         domain.find("..") == std::string_view::npos;
}

Status ReadWebhookUrl(const Environment& env, Config* config) {
  auto raw = env.Get("BITRIX24_WEBHOOK_URL");
  if (!raw) return Ok();
  std::string url = *raw;
  if (!url.ends_with('/')) url += '/';  // A missing final slash is a typo, not a different URL.
  auto rest = HttpUrlRest(url);
  // Expected tail: /rest/<user id>/<code>/ ; the value itself is never echoed (it is a secret).
  constexpr std::string_view kExpected =
      "must be the inbound webhook URL from Bitrix24, like "
      "https://PORTAL.bitrix24.ru/rest/<user id>/<webhook code>/ (the value is not shown because "
      "it "
      "holds the webhook code)";
  if (!rest) return Invalid("BITRIX24_WEBHOOK_URL", kExpected);
  size_t at = rest->find("/rest/");
  if (at == std::string_view::npos) return Invalid("BITRIX24_WEBHOOK_URL", kExpected);
  std::string_view tail = rest->substr(at + 6);  // "<user>/<code>/"
  size_t slash = tail.find('/');
  if (slash == std::string_view::npos || !IsDigits(tail.substr(0, slash))) {
    return Invalid("BITRIX24_WEBHOOK_URL", kExpected);
  }
  std::string_view code = tail.substr(slash + 1);
  code.remove_suffix(1);  // The final '/'.
  if (!IsWebhookCode(code)) return Invalid("BITRIX24_WEBHOOK_URL", kExpected);
  // Cloud portals answer plain-HTTP REST calls with INVALID_REQUEST "Https required"
  // (b24restdocs _includes/system-errors.md); say so now rather than on the first call.
  if (url.starts_with("http://") && IsBitrix24CloudHost(rest->substr(0, rest->find('/')))) {
    return Invalid("BITRIX24_WEBHOOK_URL",
                   "must start with https:// for a Bitrix24 cloud portal (*.bitrix24.*): the "
                   "cloud refuses REST calls over plain HTTP (\"Https required\")");
  }
  config->bitrix24_webhook_url = std::move(url);
  return Ok();
}

Status ReadBaseUrl(const Environment& env, std::string_view name, std::string* out) {
  auto raw = env.Get(name);
  if (!raw) return Ok();
  std::string url = *raw;
  while (url.ends_with('/')) url.pop_back();
  if (!HttpUrlRest(url)) {
    return Invalid(
        name, fmt::format("must be an http:// or https:// URL, got \"{}\"", url.substr(0, 80)));
  }
  *out = std::move(url);
  return Ok();
}

// A Telegram chat: a numeric id or @channelname.
Status ReadChatIdNamed(const Environment& env, std::string_view name, std::string* out) {
  auto raw = env.Get(name);
  if (!raw) return Ok();
  std::int64_t numeric = 0;
  bool is_channel_name = raw->size() > 1 && raw->front() == '@';
  if (!is_channel_name && !ParseInt64(*raw, &numeric)) {
    return Invalid(name, fmt::format("must be a numeric chat id (e.g. -1001234567890) or "
                                     "@channelname, got \"{}\"",
                                     raw->substr(0, 32)));
  }
  *out = *raw;
  return Ok();
}

Status ReadChatId(const Environment& env, Config* config) {
  return ReadChatIdNamed(env, "TELEGRAM_TARGET_CHAT_ID", &config->telegram_target_chat_id);
}

Status ReadDatabaseUrl(const Environment& env, Config* config) {
  auto raw = env.Get("DATABASE_URL");
  if (!raw) return Ok();
  bool known = raw->starts_with("sqlite://") || raw->starts_with("postgresql://") ||
               raw->starts_with("postgres://");
  if (!known || raw->ends_with("://")) {
    return Invalid(
        "DATABASE_URL",
        "must be sqlite://PATH (e.g. sqlite://data/callbrief.db) or a postgresql:// URL "
        "with user, password, host, port and database (the value is not shown because it "
        "may hold a password)");
  }
  config->database_url = *raw;
  return Ok();
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return items;
}

// The alerts' chat, topic and rules (issue 17, item 3). Read after TELEGRAM_BOT_TOKEN.
Status ReadAlerts(const Environment& env, Config* c) {
  if (auto s = ReadChatIdNamed(env, "TELEGRAM_ALERT_CHAT_ID", &c->telegram_alert_chat_id); !s) {
    return s;
  }
  std::int64_t thread_id = 0;
  if (auto s = ReadInt(env, "TELEGRAM_ALERT_THREAD_ID", 1, std::numeric_limits<std::int64_t>::max(),
                       &thread_id);
      !s) {
    return s;
  }
  if (thread_id != 0) c->telegram_alert_thread_id = thread_id;
  if (c->telegram_alert_thread_id && c->telegram_alert_chat_id.empty()) {
    return Invalid("TELEGRAM_ALERT_THREAD_ID",
                   "is a topic of the alerts' chat: set TELEGRAM_ALERT_CHAT_ID too");
  }
  if (!c->telegram_alert_chat_id.empty() && c->telegram_bot_token.empty()) {
    return Invalid("TELEGRAM_ALERT_CHAT_ID",
                   "alerts are sent by the bot: set TELEGRAM_BOT_TOKEN too");
  }
  if (auto raw = env.Get("ALERT_RULES")) {
    c->alert_rules = SplitList(*raw);
    for (const std::string& rule : c->alert_rules) {
      std::int64_t threshold = 0;
      const bool score = rule.starts_with("score_below:") && rule.size() > 12 && rule[12] != '+' &&
                         ParseInt64(std::string_view(rule).substr(12), &threshold) &&
                         threshold >= 1 && threshold <= 100;
      if (rule != "tracker" && rule != "negative" && rule != "critical" && !score) {
        return Invalid("ALERT_RULES",
                       fmt::format("knows tracker, negative, critical and score_below:N (N from 1 "
                                   "to 100), comma-separated; got \"{}\"",
                                   rule.substr(0, 32)));
      }
    }
  }
  return Ok();
}

Status ReadEnums(const Environment& env, Config* config) {
  if (auto raw = env.Get("LOG_FORMAT")) {
    if (*raw == "text") {
      config->log_format = LogFormat::kText;
    } else if (*raw == "json") {
      config->log_format = LogFormat::kJson;
    } else {
      return Invalid("LOG_FORMAT",
                     fmt::format("must be text or json, got \"{}\"", raw->substr(0, 32)));
    }
  }
  if (auto raw = env.Get("LOG_LEVEL")) {
    static const std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error"};
    bool known = false;
    for (auto level : kLevels) known = known || *raw == level;
    if (!known) {
      return Invalid("LOG_LEVEL", fmt::format("must be one of trace, debug, info, warn, error, got "
                                              "\"{}\"",
                                              raw->substr(0, 32)));
    }
    config->log_level = *raw;
  }
  return Ok();
}

// The password in a URL's user information ("postgresql://user:PASSWORD@host/db"), or "".
std::string_view DatabasePassword(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string_view user_info = authority.substr(0, at);
  std::size_t colon = user_info.find(':');
  if (colon == std::string_view::npos) return {};
  return user_info.substr(colon + 1);
}

bool IsHexKey(std::string_view key) {
  return key.size() == 64 &&
         key.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

// The local application mode: BITRIX24_CLIENT_ID switches it on, and then the secret, the portal
// and PUBLIC_URL (where the portal posts events) are required; the inbound webhook is not used.
Status ReadLocalApp(const Environment& env, Config* c) {
  ReadString(env, "BITRIX24_CLIENT_ID", &c->bitrix24_client_id);
  ReadString(env, "BITRIX24_CLIENT_SECRET", &c->bitrix24_client_secret);
  ReadString(env, "BITRIX24_APP_KEY", &c->bitrix24_app_key);
  if (auto url = env.Get("BITRIX24_OAUTH_URL"); url && !url->empty()) {
    if (!HttpUrlRest(*url)) {
      return Invalid("BITRIX24_OAUTH_URL", fmt::format("must be an http:// or https:// URL, got "
                                                       "\"{}\"",
                                                       url->substr(0, 80)));
    }
    c->bitrix24_oauth_url = *url;
  }
  if (!c->bitrix24_app_key.empty() && !IsHexKey(c->bitrix24_app_key)) {
    return Invalid("BITRIX24_APP_KEY",
                   "must be 64 hexadecimal digits (32 random bytes, e.g. from `openssl rand -hex "
                   "32`); the value is not shown");
  }
  if (!c->BitrixLocalApp()) return Ok();
  if (c->bitrix24_client_secret.empty()) {
    return Invalid("BITRIX24_CLIENT_SECRET",
                   "must be set with BITRIX24_CLIENT_ID: the local application's \"Application "
                   "key\" (client_secret) from Bitrix24");
  }
  if (!c->bitrix24_webhook_url.empty()) {
    return Invalid("BITRIX24_WEBHOOK_URL",
                   "must be empty when BITRIX24_CLIENT_ID is set: callbrief talks to the portal "
                   "either through an inbound webhook or through its local application, not both");
  }
  if (c->bitrix24_portal_url.empty()) {
    return Invalid("BITRIX24_PORTAL_URL",
                   "must be set with BITRIX24_CLIENT_ID: the address of the portal the local "
                   "application is installed on, e.g. https://acme.bitrix24.ru");
  }
  std::string_view portal = *HttpUrlRest(c->bitrix24_portal_url);
  if (portal.find('/') != std::string_view::npos) {
    return Invalid("BITRIX24_PORTAL_URL",
                   "must be the portal's address without a path, e.g. https://acme.bitrix24.ru");
  }
  if (c->bitrix24_portal_url.starts_with("http://") && IsBitrix24CloudHost(portal)) {
    return Invalid("BITRIX24_PORTAL_URL",
                   "must start with https:// for a Bitrix24 cloud portal (*.bitrix24.*)");
  }
  if (c->public_url.empty()) {
    return Invalid("PUBLIC_URL",
                   "must be set with BITRIX24_CLIENT_ID: the portal posts the application's "
                   "events to PUBLIC_URL/api/bitrix-webhook/call-finished and "
                   "PUBLIC_URL/api/bitrix-app/events");
  }
  return Ok();
}

}  // namespace

std::string DatabaseUrlForDisplay(std::string_view database_url) {
  std::string_view password = DatabasePassword(database_url);
  if (password.empty()) return std::string(database_url);
  std::size_t at = static_cast<std::size_t>(password.data() - database_url.data());
  return std::string(database_url.substr(0, at)) + "***" +
         std::string(database_url.substr(at + password.size()));
}

std::string WebhookCode(std::string_view url) {
  size_t at = url.find("/rest/");
  if (at == std::string_view::npos) return "";
  std::string_view tail = url.substr(at + 6);
  size_t slash = tail.find('/');
  if (slash == std::string_view::npos) return "";
  tail = tail.substr(slash + 1);
  return std::string(tail.substr(0, tail.find('/')));
}

std::string Config::BitrixPortalUrl() const {
  if (BitrixLocalApp()) return bitrix24_portal_url;
  // The origin of the webhook URL, as bitrix::PortalUrl takes it.
  std::string_view url = bitrix24_webhook_url;
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  const std::size_t path = url.find('/', scheme + 3);
  if (path == scheme + 3) return "";
  return std::string(url.substr(0, path));
}

std::vector<std::string> Config::Secrets() const {
  std::vector<std::string> secrets = {bitrix24_application_token,
                                      bitrix24_client_secret,
                                      bitrix24_app_key,
                                      telegram_bot_token,
                                      openai_api_key,
                                      transcribe_api_key,
                                      admin_password,
                                      metrics_token,
                                      WebhookCode(bitrix24_webhook_url),
                                      std::string(DatabasePassword(database_url))};
  std::erase_if(secrets, [](const std::string& s) { return s.empty(); });
  return secrets;
}

Result<Config> LoadConfig(const Environment& env) {
  Config c;
  const auto steps = {
      ReadWebhookUrl(env, &c),
      ReadChatId(env, &c),
      ReadBaseUrl(env, "TELEGRAM_API_BASE_URL", &c.telegram_api_base_url),
      ReadBaseUrl(env, "OPENAI_BASE_URL", &c.openai_base_url),
      ReadBaseUrl(env, "TRANSCRIBE_BASE_URL", &c.transcribe_base_url),
      ReadBaseUrl(env, "PUBLIC_URL", &c.public_url),
      ReadBaseUrl(env, "BITRIX24_PORTAL_URL", &c.bitrix24_portal_url),
      ReadDatabaseUrl(env, &c),
      ReadEnums(env, &c),
      ReadInt(env, "PORT", 1, 65535, &c.port),
      ReadInt(env, "WORKERS", 1, 256, &c.workers),
      ReadInt(env, "LEASE_SECONDS", 4, 3600, &c.lease_seconds),
      ReadInt(env, "HTTP_THREADS", 4, 1024, &c.http_threads),
      ReadInt(env, "MAX_CALL_MINUTES", 1, 240, &c.max_call_minutes),
      ReadInt(env, "MIN_CALL_DURATION", 0, 86400, &c.min_call_duration_seconds),
      ReadInt(env, "TRANSCRIBE_PARALLELISM", 1, 32, &c.transcribe_parallelism),
      ReadInt(env, "SUMMARY_MAX_TOKENS", 256, 32768, &c.summary_max_tokens),
      ReadBool(env, "BITRIX24_ATTACH_TRANSCRIPT", &c.bitrix24_attach_transcript),
      ReadBool(env, "BITRIX24_CREATE_TASKS", &c.bitrix24_create_tasks),
      ReadBool(env, "MESSAGE_ANALYTICS_LINE", &c.message_analytics_line),
      ReadBool(env, "PII_MASKING", &c.pii_masking),
      ReadBool(env, "PII_MASKING_STORE", &c.pii_masking_store),
      ReadInt(env, "BITRIX24_REQUESTS_PER_SECOND", 1, 5, &c.bitrix24_requests_per_second),
      ReadUtcOffset(env, "DISPLAY_UTC_OFFSET", &c.display_utc_offset_minutes),
      ReadInt(env, "RETAIN_AUDIO_DAYS", 1, 36500, &c.retain_audio_days),
  };
  for (const Status& step : steps) {
    if (!step) return step.error();
  }
  std::int64_t thread_id = 0;
  if (auto s = ReadInt(env, "TELEGRAM_THREAD_ID", 1, std::numeric_limits<std::int64_t>::max(),
                       &thread_id);
      !s) {
    return s.error();
  }
  if (thread_id != 0) c.telegram_thread_id = thread_id;
  if (c.pii_masking_store && !c.pii_masking) {
    return Invalid("PII_MASKING_STORE",
                   "masks the stored transcript as well as the text sent for the summary: set "
                   "PII_MASKING=on too");
  }
  std::int64_t reconcile_interval = c.reconcile_interval.count();
  if (auto s = ReadInt(env, "RECONCILE_INTERVAL", 0, 86400, &reconcile_interval); !s) {
    return s.error();
  }
  c.reconcile_interval = std::chrono::seconds(reconcile_interval);
  std::int64_t recording_wait = c.recording_wait.count();
  if (auto s = ReadInt(env, "RECORDING_WAIT", 0, 7 * 86400, &recording_wait); !s) return s.error();
  c.recording_wait = std::chrono::seconds(recording_wait);
  std::int64_t bitrix24_timeout = c.bitrix24_timeout.count();
  if (auto s = ReadInt(env, "BITRIX24_TIMEOUT", 1, 300, &bitrix24_timeout); !s) return s.error();
  c.bitrix24_timeout = std::chrono::seconds(bitrix24_timeout);
  std::int64_t recording_max_mb = c.recording_max_bytes / (1024 * 1024);
  if (auto s = ReadInt(env, "RECORDING_MAX_MB", 1, 4096, &recording_max_mb); !s) return s.error();
  c.recording_max_bytes = recording_max_mb * 1024 * 1024;

  ReadString(env, "BITRIX24_APPLICATION_TOKEN", &c.bitrix24_application_token);
  ReadString(env, "TELEGRAM_BOT_TOKEN", &c.telegram_bot_token);
  if (auto alerts = ReadAlerts(env, &c); !alerts) return alerts.error();
  ReadString(env, "OPENAI_API_KEY", &c.openai_api_key);
  ReadString(env, "TRANSCRIBE_API_KEY", &c.transcribe_api_key);
  ReadString(env, "TRANSCRIBE_MODEL", &c.transcribe_model);
  ReadString(env, "SUMMARY_MODEL", &c.summary_model);
  ReadString(env, "CALL_LANGUAGE", &c.call_language);
  ReadString(env, "DATA_DIR", &c.data_dir);
  ReadString(env, "HOST", &c.host);
  ReadString(env, "ADMIN_PASSWORD", &c.admin_password);
  ReadString(env, "METRICS_TOKEN", &c.metrics_token);
  if (auto proxies = env.Get("TRUSTED_PROXIES")) {
    auto networks = ParseIpNetworks(*proxies);
    if (!networks) return Invalid("TRUSTED_PROXIES", networks.error().message);
    c.trusted_proxies = std::move(*networks);
  }
  if (auto hosts = env.Get("RECORDING_HOSTS")) c.recording_hosts = SplitList(*hosts);
  for (const std::string& rule : c.recording_hosts) {
    if (!IsRecordingHostRule(rule)) {
      return Invalid("RECORDING_HOSTS",
                     fmt::format("\"{}\" matches no host: list host names (storage.example.com) "
                                 "or suffix rules with a domain (.voximplant.com), comma-separated",
                                 rule));
    }
  }
  if (auto words = env.Get("TRANSCRIBE_VOCABULARY")) c.transcribe_vocabulary = SplitList(*words);
  ReadString(env, "TRANSCRIBE_PRICES", &c.transcribe_prices);
  ReadString(env, "SUMMARY_PRICES", &c.summary_prices);
  if (auto effort = env.Get("SUMMARY_REASONING_EFFORT")) {
    // openai-python src/openai/types/shared/reasoning_effort.py; "" leaves it to the model.
    static const std::string_view kEfforts[] = {"",       "none", "minimal", "low",
                                                "medium", "high", "xhigh",   "max"};
    if (std::find(std::begin(kEfforts), std::end(kEfforts), *effort) == std::end(kEfforts)) {
      return Invalid("SUMMARY_REASONING_EFFORT",
                     fmt::format("must be none, minimal, low, medium, high, xhigh, max or empty, "
                                 "got \"{}\"",
                                 effort->substr(0, 16)));
    }
    c.summary_reasoning_effort = *effort;
  }
  ReadString(env, "TELEGRAM_TRANSCRIPT", &c.telegram_transcript);
  if (c.telegram_transcript != "off" && c.telegram_transcript != "inline" &&
      c.telegram_transcript != "document" && c.telegram_transcript != "auto") {
    return Invalid("TELEGRAM_TRANSCRIPT",
                   fmt::format("must be off, inline, document or auto, got \"{}\"",
                               c.telegram_transcript.substr(0, 16)));
  }
  ReadString(env, "AUDIO_CHUNK_FORMAT", &c.audio_chunk_format);
  if (c.audio_chunk_format != "mp3" && c.audio_chunk_format != "opus" &&
      c.audio_chunk_format != "flac" && c.audio_chunk_format != "wav") {
    return Invalid("AUDIO_CHUNK_FORMAT", fmt::format("must be mp3, opus, flac or wav, got \"{}\"",
                                                     c.audio_chunk_format.substr(0, 16)));
  }

  if (auto s = ReadLocalApp(env, &c); !s) return s.error();

  if (c.transcribe_base_url.empty()) c.transcribe_base_url = c.openai_base_url;
  // The OpenAI key goes only where OPENAI_BASE_URL points: a separate speech-to-text server gets
  // TRANSCRIBE_API_KEY or nothing, never a key meant for another provider.
  if (c.transcribe_api_key.empty() && c.transcribe_base_url == c.openai_base_url) {
    c.transcribe_api_key = c.openai_api_key;
  }
  return c;
}

}  // namespace callbrief::core
