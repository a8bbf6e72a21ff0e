#include "app/doctor.h"

#include <cstdio>
#include <string>

#include "app/bitrix_access.h"
#include "bitrix/portal_check.h"
#include "core/redact.h"
#include "store/call_store.h"

namespace callbrief::app {
namespace {

class Report {
 public:
  void Ok(const std::string& what) { Line("✅", what); }
  void Warn(const std::string& what) { Line("⚠️ ", what); }
  void Fail(const std::string& what) {
    Line("❌", what);
    failed_ = true;
  }
  bool failed() const { return failed_; }

 private:
  static void Line(const char* mark, const std::string& what) {
    std::printf("%s %s\n", mark, core::Redact(what).c_str());
  }
  bool failed_ = false;
};

void CheckDatabase(const core::Config& config, Report& report) {
  auto store = store::OpenStore(config.database_url, /*migrate=*/false);
  if (!store) return report.Fail("database: " + store.error().message);
  if (auto ping = (*store)->Ping(); !ping) return report.Fail("database: " + ping.error().message);
  report.Ok("database: " + config.database_url + " opens and answers");
}

void CheckBitrix(const core::Config& config, Report& report) {
  if (!config.HasBitrix()) {
    return report.Fail("Bitrix24: BITRIX24_WEBHOOK_URL is not set (the inbound webhook URL)");
  }
  BitrixAccess bitrix = MakeBitrixAccess(config);
  auto check = bitrix::CheckPortal(*bitrix.rest);
  if (!check) return report.Fail("Bitrix24: " + check.error().message);
  report.Ok("Bitrix24: the webhook answers as " +
            (check->user_name.empty() ? std::string("its user") : check->user_name));
  auto problems = check->Problems();
  for (const auto& problem : problems) report.Fail("Bitrix24: " + problem);
  if (problems.empty()) report.Ok("Bitrix24: administrator, scopes and call history are in order");
  if (config.bitrix24_application_token.empty()) {
    report.Warn(
        "Bitrix24: BITRIX24_APPLICATION_TOKEN is not set: anyone who knows the handler URL "
        "can post events; copy the outbound webhook's application token into it");
  }
}

void ReportCredentials(const core::Config& config, Report& report) {
  if (config.HasTelegram()) {
    report.Warn("Telegram: configured; a live check (getMe, posting to the chat) is not built yet");
  } else {
    report.Fail("Telegram: TELEGRAM_BOT_TOKEN and TELEGRAM_TARGET_CHAT_ID must both be set");
  }
  if (config.HasTranscription() && config.HasSummary()) {
    report.Warn("OpenAI-compatible providers: keys are set; a live check is not built yet");
  } else {
    report.Fail(
        "OpenAI-compatible providers: OPENAI_API_KEY (and optionally TRANSCRIBE_API_KEY) "
        "must be set");
  }
}

}  // namespace

int RunDoctor(const core::Config& config) {
  Report report;
  CheckDatabase(config, report);
  CheckBitrix(config, report);
  ReportCredentials(config, report);
  return report.failed() ? 1 : 0;
}

}  // namespace callbrief::app
