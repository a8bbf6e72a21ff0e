#include "core/config.h"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

namespace callbrief::core {
namespace {

Result<Config> Load(std::map<std::string, std::string> vars) {
  return LoadConfig(Environment(std::move(vars)));
}

TEST(ConfigTest, DefaultsMatchTheDocumentedTable) {
  auto c = Load({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_EQ(c->database_url, "sqlite://data/callbrief.db");
  EXPECT_EQ(c->data_dir, "data");
  EXPECT_EQ(c->workers, 4);
  EXPECT_EQ(c->min_call_duration_seconds, 10);
  EXPECT_EQ(c->recording_wait, std::chrono::seconds(600));
  EXPECT_EQ(c->recording_max_bytes, 200ll * 1024 * 1024);
  EXPECT_EQ(c->reconcile_interval, std::chrono::seconds(900));
  EXPECT_EQ(c->transcribe_model, "whisper-1");
  EXPECT_EQ(c->summary_model, "gpt-4o");
  EXPECT_EQ(c->call_language, "ru");
  EXPECT_EQ(c->openai_base_url, "https://api.openai.com/v1");
  EXPECT_EQ(c->telegram_api_base_url, "https://api.telegram.org");
  EXPECT_EQ(c->log_format, LogFormat::kText);
  EXPECT_EQ(c->telegram_transcript, "auto");
  EXPECT_EQ(c->bitrix24_requests_per_second, 2);
  EXPECT_EQ(c->transcribe_prices, "");
  EXPECT_FALSE(c->telegram_thread_id.has_value());
  EXPECT_EQ(c->max_call_minutes, 120);
  EXPECT_TRUE(c->trusted_proxies.empty());
  EXPECT_EQ(c->metrics_token, "");
}

TEST(ConfigTest, MissingCredentialsDoNotStopStartUp) {
  auto c = Load({});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->HasBitrix());
  EXPECT_FALSE(c->HasTelegram());
  EXPECT_FALSE(c->HasTranscription());
  EXPECT_FALSE(c->HasSummary());
}

TEST(ConfigTest, ReadsTheSeedsFourVariables) {
  auto c = Load({{"BITRIX24_WEBHOOK_URL", "https://acme.bitrix24.ru/rest/1/abc123xyz/"},
                 {"TELEGRAM_BOT_TOKEN", "123456:AAE-token"},
                 {"TELEGRAM_TARGET_CHAT_ID", "-1001234567890"},
                 {"OPENAI_API_KEY", "sk-test"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->bitrix24_webhook_url, "https://acme.bitrix24.ru/rest/1/abc123xyz/");
  EXPECT_EQ(c->telegram_target_chat_id, "-1001234567890");
  EXPECT_TRUE(c->HasBitrix());
  EXPECT_TRUE(c->HasTelegram());
  EXPECT_TRUE(c->HasSummary());
}

TEST(ConfigTest, TranscriptionFallsBackToTheOpenAiSettings) {
  auto c = Load({{"OPENAI_API_KEY", "sk-a"}, {"OPENAI_BASE_URL", "https://proxy.example/v1/"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->openai_base_url, "https://proxy.example/v1");
  EXPECT_EQ(c->transcribe_base_url, "https://proxy.example/v1");
  EXPECT_EQ(c->transcribe_api_key, "sk-a");
  auto separate = Load({{"OPENAI_API_KEY", "sk-a"},
                        {"TRANSCRIBE_API_KEY", "local"},
                        {"TRANSCRIBE_BASE_URL", "http://127.0.0.1:8000/v1"}});
  ASSERT_TRUE(separate.ok());
  EXPECT_EQ(separate->transcribe_base_url, "http://127.0.0.1:8000/v1");
  EXPECT_EQ(separate->transcribe_api_key, "local");
  auto keyless =
      Load({{"OPENAI_API_KEY", "sk-a"}, {"TRANSCRIBE_BASE_URL", "http://127.0.0.1:8000/v1"}});
  ASSERT_TRUE(keyless.ok());
  EXPECT_EQ(keyless->transcribe_api_key, "") << "the OpenAI key must not go to another server";
  EXPECT_TRUE(keyless->HasTranscription());
}

TEST(ConfigTest, PlainHttpIsAcceptedForAnOnPremisePortalOnly) {
  for (const char* url :
       {"http://crm.example.com/rest/1/code/", "http://10.0.0.5:8080/rest/1/code/",
        "http://mybitrix24.example.com/rest/1/code/", "http://bitrix24/rest/1/code/"}) {
    auto c = Load({{"BITRIX24_WEBHOOK_URL", url}});
    ASSERT_TRUE(c.ok()) << url << ": " << c.error().message;
  }
}

TEST(ConfigTest, RecordingHostsTakeNamesAndSuffixRules) {
  auto c = Load({{"RECORDING_HOSTS", "storage.example.com, .voximplant.com"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->recording_hosts,
            (std::vector<std::string>{"storage.example.com", ".voximplant.com"}));
}

TEST(ConfigTest, WebhookUrlWithoutFinalSlashIsNormalised) {
  auto c = Load({{"BITRIX24_WEBHOOK_URL", "https://acme.bitrix24.ru/rest/7/code_1"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->bitrix24_webhook_url, "https://acme.bitrix24.ru/rest/7/code_1/");
}

TEST(ConfigTest, InvalidValuesAreOneLineNamingTheVariable) {
  struct Case {
    std::string name, value, message_start;
  };
  for (const Case& c : std::vector<Case>{
           {"PORT", "http", "PORT: must be a whole number from 1 to 65535, got \"http\""},
           {"PORT", "70000", "PORT: must be a whole number from 1 to 65535"},
           {"PORT", "80a", "PORT: must be a whole number"},
           {"WORKERS", "0", "WORKERS: must be a whole number from 1 to 256"},
           {"MIN_CALL_DURATION", "-1", "MIN_CALL_DURATION: must be a whole number from 0"},
           {"RECORDING_WAIT", "ten", "RECORDING_WAIT: must be a whole number"},
           {"RECONCILE_INTERVAL", "-5", "RECONCILE_INTERVAL: must be a whole number from 0"},
           {"RECORDING_MAX_MB", "0", "RECORDING_MAX_MB: must be a whole number from 1 to 4096"},
           {"TRANSCRIBE_PARALLELISM", "0", "TRANSCRIBE_PARALLELISM: must be a whole number from 1"},
           {"SUMMARY_MAX_TOKENS", "100", "SUMMARY_MAX_TOKENS: must be a whole number from 256"},
           {"SUMMARY_REASONING_EFFORT", "lowest",
            "SUMMARY_REASONING_EFFORT: must be none, minimal, low, medium, high"},
           {"AUDIO_CHUNK_FORMAT", "aac", "AUDIO_CHUNK_FORMAT: must be mp3, opus, flac or wav"},
           {"BITRIX24_REQUESTS_PER_SECOND", "10",
            "BITRIX24_REQUESTS_PER_SECOND: must be a whole number from 1 to 5"},
           {"BITRIX24_ATTACH_TRANSCRIPT", "maybe",
            "BITRIX24_ATTACH_TRANSCRIPT: must be true or false"},
           {"BITRIX24_CREATE_TASKS", "sometimes", "BITRIX24_CREATE_TASKS: must be true or false"},
           {"MESSAGE_ANALYTICS_LINE", "maybe", "MESSAGE_ANALYTICS_LINE: must be true or false"},
           {"TELEGRAM_TRANSCRIPT", "yes", "TELEGRAM_TRANSCRIPT: must be off, inline, document"},
           {"TELEGRAM_THREAD_ID", "x", "TELEGRAM_THREAD_ID: must be a whole number"},
           {"LOG_FORMAT", "xml", "LOG_FORMAT: must be text or json, got \"xml\""},
           {"LOG_LEVEL", "loud", "LOG_LEVEL: must be one of"},
           {"TELEGRAM_TARGET_CHAT_ID", "my chat", "TELEGRAM_TARGET_CHAT_ID: must be a numeric"},
           {"OPENAI_BASE_URL", "api.openai.com", "OPENAI_BASE_URL: must be an http:// or https://"},
           {"PUBLIC_URL", "ftp://x", "PUBLIC_URL: must be an http:// or https://"},
           {"DATABASE_URL", "mysql://x", "DATABASE_URL: must be sqlite://PATH"},
           {"BITRIX24_WEBHOOK_URL", "https://acme.bitrix24.ru/", "BITRIX24_WEBHOOK_URL: must be"},
           {"BITRIX24_WEBHOOK_URL", "https://acme.bitrix24.ru/rest/x/code/",
            "BITRIX24_WEBHOOK_URL: must be"},
           {"BITRIX24_WEBHOOK_URL", "https://acme.bitrix24.ru/rest/1/", "BITRIX24_WEBHOOK_URL:"},
           {"BITRIX24_WEBHOOK_URL", "acme.bitrix24.ru/rest/1/code/", "BITRIX24_WEBHOOK_URL:"},
           // Cloud portals refuse plain HTTP ("Https required", b24restdocs system-errors.md).
           {"BITRIX24_WEBHOOK_URL", "http://acme.bitrix24.ru/rest/1/code/",
            "BITRIX24_WEBHOOK_URL: must start with https:// for a Bitrix24 cloud portal"},
           {"BITRIX24_WEBHOOK_URL", "http://ACME.Bitrix24.com.br:80/rest/1/code/",
            "BITRIX24_WEBHOOK_URL: must start with https://"},
           {"RECORDING_HOSTS", "storage.example.com, .com", "RECORDING_HOSTS: \".com\" matches"},
           {"RECORDING_HOSTS", "*.voximplant.com", "RECORDING_HOSTS: \"*.voximplant.com\""},
           {"RECORDING_HOSTS", "https://x.example.com/", "RECORDING_HOSTS:"},
       }) {
    auto loaded = Load({{c.name, c.value}});
    ASSERT_FALSE(loaded.ok()) << c.name << "=" << c.value;
    EXPECT_EQ(loaded.error().kind, ErrorKind::kConfig);
    EXPECT_TRUE(loaded.error().message.starts_with(c.message_start)) << loaded.error().message;
    EXPECT_EQ(loaded.error().message.find('\n'), std::string::npos);
  }
}

TEST(ConfigTest, TheLocalApplicationModeNeedsItsSecretThePortalAndThePublicUrl) {
  const std::map<std::string, std::string> complete = {
      {"BITRIX24_CLIENT_ID", "local.5f1a.123"},
      {"BITRIX24_CLIENT_SECRET", "app-key-value"},
      {"BITRIX24_PORTAL_URL", "https://acme.bitrix24.ru/"},
      {"PUBLIC_URL", "https://calls.example.com"}};
  auto loaded = Load(complete);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_TRUE(loaded->BitrixLocalApp());
  EXPECT_TRUE(loaded->HasBitrix());
  EXPECT_EQ(loaded->BitrixPortalUrl(), "https://acme.bitrix24.ru");
  EXPECT_EQ(loaded->bitrix24_oauth_url, "https://oauth.bitrix.info/oauth/token/");
  const auto secrets = loaded->Secrets();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "app-key-value"), secrets.end());

  struct Case {
    std::string name, value, message_start;
  };
  for (const Case& c : std::vector<Case>{
           {"BITRIX24_CLIENT_SECRET", "", "BITRIX24_CLIENT_SECRET: must be set"},
           {"BITRIX24_PORTAL_URL", "", "BITRIX24_PORTAL_URL: must be set"},
           {"BITRIX24_PORTAL_URL", "http://acme.bitrix24.ru", "BITRIX24_PORTAL_URL: must start"},
           {"BITRIX24_PORTAL_URL", "https://acme.bitrix24.ru/rest/",
            "BITRIX24_PORTAL_URL: must be"},
           {"PUBLIC_URL", "", "PUBLIC_URL: must be set with BITRIX24_CLIENT_ID"},
           {"BITRIX24_WEBHOOK_URL", "https://acme.bitrix24.ru/rest/1/code/",
            "BITRIX24_WEBHOOK_URL: must be empty when BITRIX24_CLIENT_ID is set"},
           {"BITRIX24_APP_KEY", "short", "BITRIX24_APP_KEY: must be 64 hexadecimal digits"},
           {"BITRIX24_OAUTH_URL", "oauth.bitrix.info", "BITRIX24_OAUTH_URL: must be an http://"},
       }) {
    auto env = complete;
    if (c.value.empty()) {
      env.erase(c.name);
    } else {
      env[c.name] = c.value;
    }
    auto refused = Load(env);
    ASSERT_FALSE(refused.ok()) << c.name << "=" << c.value;
    EXPECT_TRUE(refused.error().message.starts_with(c.message_start)) << refused.error().message;
  }
}

TEST(ConfigTest, WithoutAClientIdTheWebhookModeStaysAsItWas) {
  auto loaded = Load({{"BITRIX24_WEBHOOK_URL", "https://acme.bitrix24.ru/rest/1/code/"}});
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->BitrixLocalApp());
  EXPECT_EQ(loaded->BitrixPortalUrl(), "https://acme.bitrix24.ru");
}

TEST(ConfigTest, InvalidWebhookUrlErrorNeverEchoesTheCode) {
  auto loaded = Load({{"BITRIX24_WEBHOOK_URL", "https://acme.bitrix24.ru/rest/one/s3cr3tcode/"}});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message.find("s3cr3tcode"), std::string::npos);
}

TEST(ConfigTest, SelfHostedProvidersNeedNoKey) {
  auto loaded = Load({{"OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"}});
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->HasSummary());
  EXPECT_TRUE(loaded->HasTranscription());
  EXPECT_FALSE(Load({})->HasSummary());
}

TEST(ConfigTest, VocabularyIsACommaSeparatedList) {
  auto loaded = Load({{"TRANSCRIBE_VOCABULARY", "Битрикс24, Acme CRM,"}});
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->transcribe_vocabulary, (std::vector<std::string>{"Битрикс24", "Acme CRM"}));
}

TEST(ConfigTest, RecordingSizeCapIsReadInMegabytes) {
  auto loaded = Load({{"RECORDING_MAX_MB", "50"}});
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->recording_max_bytes, 50ll * 1024 * 1024);
}

TEST(ConfigTest, TrustedProxiesAreAListOfAddressesAndRanges) {
  auto c = Load({{"TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8 fd00::/8"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->trusted_proxies.size(), 3u);
  EXPECT_TRUE(InAnyNetwork(c->trusted_proxies, *ParseIpAddress("10.20.30.40")));

  auto bad = Load({{"TRUSTED_PROXIES", "127.0.0.1, proxy.local"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kConfig);
  EXPECT_NE(bad.error().message.find("TRUSTED_PROXIES: \"proxy.local\""), std::string::npos)
      << bad.error().message;
}

TEST(ConfigTest, MaxCallMinutesIsAWholeNumberOfMinutes) {
  EXPECT_EQ(Load({{"MAX_CALL_MINUTES", "30"}})->max_call_minutes, 30);
  EXPECT_FALSE(Load({{"MAX_CALL_MINUTES", "0"}}).ok());
  EXPECT_FALSE(Load({{"MAX_CALL_MINUTES", "241"}}).ok());
}

TEST(ConfigTest, RecordingHostsAreACommaSeparatedList) {
  auto c = Load({{"RECORDING_HOSTS", " cdn.bitrix24.ru, ,storage.example.com "}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->recording_hosts,
            (std::vector<std::string>{"cdn.bitrix24.ru", "storage.example.com"}));
}

TEST(ConfigTest, SecretsListsEveryCredentialIncludingTheWebhookCode) {
  auto c = Load({{"BITRIX24_WEBHOOK_URL", "https://acme.bitrix24.ru/rest/1/abc123xyz/"},
                 {"BITRIX24_APPLICATION_TOKEN", "apptoken1"},
                 {"TELEGRAM_BOT_TOKEN", "123456:AAE-token"},
                 {"OPENAI_API_KEY", "sk-test"},
                 {"ADMIN_PASSWORD", "hunter22"},
                 {"METRICS_TOKEN", "metrics-secret-9"},
                 {"DATABASE_URL", "postgresql://callbrief:pg-pass-7@db:5432/callbrief"}});
  ASSERT_TRUE(c.ok());
  auto secrets = c->Secrets();
  for (std::string expected : {"abc123xyz", "apptoken1", "123456:AAE-token", "sk-test", "hunter22",
                               "pg-pass-7", "metrics-secret-9"}) {
    EXPECT_NE(std::find(secrets.begin(), secrets.end(), expected), secrets.end()) << expected;
  }
}

TEST(ConfigTest, DisplayOffsetIsReadAsHoursAndMinutesEastOfUtc) {
  EXPECT_EQ(Load({})->display_utc_offset_minutes, 180);
  EXPECT_EQ(Load({{"DISPLAY_UTC_OFFSET", "+07:00"}})->display_utc_offset_minutes, 420);
  EXPECT_EQ(Load({{"DISPLAY_UTC_OFFSET", "-05:30"}})->display_utc_offset_minutes, -330);
  EXPECT_EQ(Load({{"DISPLAY_UTC_OFFSET", "5"}})->display_utc_offset_minutes, 300);
  EXPECT_EQ(Load({{"DISPLAY_UTC_OFFSET", "0"}})->display_utc_offset_minutes, 0);
  for (const char* bad : {"MSK", "+3:0", "+15", "+03:60", "++3", "+03:00:00"}) {
    auto c = Load({{"DISPLAY_UTC_OFFSET", bad}});
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_TRUE(c.error().message.starts_with("DISPLAY_UTC_OFFSET: must be an offset from UTC"))
        << c.error().message;
  }
}

TEST(ConfigTest, SwitchesTakeTheUsualSpellings) {
  EXPECT_FALSE(Load({})->bitrix24_attach_transcript);
  for (const char* on : {"true", "1", "yes", "on"}) {
    EXPECT_TRUE(Load({{"BITRIX24_ATTACH_TRANSCRIPT", on}})->bitrix24_attach_transcript) << on;
  }
  for (const char* off : {"false", "0", "no", "off", ""}) {
    EXPECT_FALSE(Load({{"BITRIX24_ATTACH_TRANSCRIPT", off}})->bitrix24_attach_transcript) << off;
  }
  EXPECT_FALSE(Load({})->bitrix24_create_tasks);
  EXPECT_TRUE(Load({{"BITRIX24_CREATE_TASKS", "on"}})->bitrix24_create_tasks);
  EXPECT_FALSE(Load({{"BITRIX24_CREATE_TASKS", "off"}})->bitrix24_create_tasks);
  EXPECT_FALSE(Load({})->message_analytics_line);  // The seed's exact message by default.
  EXPECT_TRUE(Load({{"MESSAGE_ANALYTICS_LINE", "true"}})->message_analytics_line);
}

TEST(ConfigTest, PersonalDataMaskingIsOffUnlessAskedFor) {
  EXPECT_FALSE(Load({})->pii_masking);
  EXPECT_FALSE(Load({})->pii_masking_store);
  auto masking = Load({{"PII_MASKING", "on"}});
  EXPECT_TRUE(masking->pii_masking);
  EXPECT_FALSE(masking->pii_masking_store);
  auto both = Load({{"PII_MASKING", "on"}, {"PII_MASKING_STORE", "on"}});
  EXPECT_TRUE(both->pii_masking);
  EXPECT_TRUE(both->pii_masking_store);
}

TEST(ConfigTest, MaskingTheStoredTranscriptNeedsMaskingOn) {
  auto c = Load({{"PII_MASKING_STORE", "on"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.error().message.starts_with("PII_MASKING_STORE: ")) << c.error().message;
  EXPECT_NE(c.error().message.find("PII_MASKING=on"), std::string::npos) << c.error().message;
  auto bad = Load({{"PII_MASKING", "sometimes"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().message.starts_with("PII_MASKING: must be true or false"));
}

TEST(ConfigTest, TheDatabaseUrlIsShownWithoutItsPassword) {
  EXPECT_EQ(DatabaseUrlForDisplay("postgresql://cb:s3cret@db.internal:5432/calls?sslmode=require"),
            "postgresql://cb:***@db.internal:5432/calls?sslmode=require");
  EXPECT_EQ(DatabaseUrlForDisplay("postgres://cb@db/calls"), "postgres://cb@db/calls");
  EXPECT_EQ(DatabaseUrlForDisplay("sqlite://data/callbrief.db"), "sqlite://data/callbrief.db");
}

TEST(ConfigTest, WebhookCodeIsThePartAfterTheUserId) {
  EXPECT_EQ(WebhookCode("https://a.bitrix24.ru/rest/1/abc/"), "abc");
  EXPECT_EQ(WebhookCode("https://a.bitrix24.ru/"), "");
}

}  // namespace
}  // namespace callbrief::core

namespace callbrief::core {
namespace {

TEST(ConfigAlertsTest, AlertsAreOffUntilTheirChatIsSetAndTrackersAndNegativeToneFireByDefault) {
  auto none = Load({{"TELEGRAM_BOT_TOKEN", "123:abc"}});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->HasTelegramAlerts());
  EXPECT_EQ(none->alert_rules, (std::vector<std::string>{"tracker", "negative"}));

  auto on = Load({{"TELEGRAM_BOT_TOKEN", "123:abc"},
                  {"TELEGRAM_ALERT_CHAT_ID", "-1001234567890"},
                  {"TELEGRAM_ALERT_THREAD_ID", "42"},
                  {"ALERT_RULES", " tracker , score_below:60,critical"}});
  ASSERT_TRUE(on.ok()) << on.error().message;
  EXPECT_TRUE(on->HasTelegramAlerts());
  EXPECT_EQ(on->telegram_alert_chat_id, "-1001234567890");
  EXPECT_EQ(on->telegram_alert_thread_id, 42);
  EXPECT_EQ(on->alert_rules, (std::vector<std::string>{"tracker", "score_below:60", "critical"}));
  // The summaries' chat is not needed for alerts.
  EXPECT_FALSE(on->HasTelegram());
}

TEST(ConfigAlertsTest, AMistakeInTheAlertSettingsNamesTheVariableAndTheFix) {
  struct Case {
    std::map<std::string, std::string> env;
    std::string message_start;
  };
  for (const Case& c : std::vector<Case>{
           {{{"TELEGRAM_BOT_TOKEN", "1:a"}, {"TELEGRAM_ALERT_CHAT_ID", "alerts"}},
            "TELEGRAM_ALERT_CHAT_ID: must be a numeric chat id"},
           {{{"TELEGRAM_ALERT_CHAT_ID", "-100123"}},
            "TELEGRAM_ALERT_CHAT_ID: alerts are sent by the bot: set TELEGRAM_BOT_TOKEN"},
           {{{"TELEGRAM_BOT_TOKEN", "1:a"}, {"TELEGRAM_ALERT_THREAD_ID", "5"}},
            "TELEGRAM_ALERT_THREAD_ID: is a topic of the alerts' chat"},
           {{{"TELEGRAM_BOT_TOKEN", "1:a"},
             {"TELEGRAM_ALERT_CHAT_ID", "-100123"},
             {"TELEGRAM_ALERT_THREAD_ID", "0"}},
            "TELEGRAM_ALERT_THREAD_ID: must be a whole number from 1"},
           {{{"ALERT_RULES", "tracker,angry"}}, "ALERT_RULES: knows tracker, negative, critical"},
           {{{"ALERT_RULES", "score_below:0"}}, "ALERT_RULES: knows tracker"},
           {{{"ALERT_RULES", "score_below:101"}}, "ALERT_RULES: knows tracker"},
           {{{"ALERT_RULES", "score_below:x"}}, "ALERT_RULES: knows tracker"},
       }) {
    auto loaded = Load(c.env);
    ASSERT_FALSE(loaded.ok()) << c.message_start;
    EXPECT_EQ(loaded.error().kind, ErrorKind::kConfig);
    EXPECT_TRUE(loaded.error().message.starts_with(c.message_start)) << loaded.error().message;
  }
}

}  // namespace
}  // namespace callbrief::core
