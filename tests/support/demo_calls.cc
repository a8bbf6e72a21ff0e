#include "support/demo_calls.h"

#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analytics/scorecard.h"
#include "support/demo_audio.h"

namespace callbrief::testing {
namespace {

using nlohmann::json;
using store::Stage;

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

struct Line {
  const char* speaker;
  const char* text;
};

std::vector<store::TranscriptSegment> Segments(std::initializer_list<Line> lines) {
  std::vector<store::TranscriptSegment> out;
  std::int64_t t = 800;
  int index = 0;
  for (const Line& l : lines) {
    // About 65 ms a character when the audio is not synthesized.
    std::int64_t length = static_cast<std::int64_t>(std::string_view(l.text).size()) * 65 / 2;
    out.push_back({.index = index++,
                   .start_ms = t,
                   .end_ms = t + length,
                   .speaker = l.speaker,
                   .text = l.text});
    t += length + 600;
  }
  return out;
}

std::vector<SeedRun> DoneRuns(std::int64_t transcribe_ms = 9'000) {
  return {{.stage = Stage::kResolve, .took_ms = 850},
          {.stage = Stage::kDownload, .took_ms = 1'200},
          {.stage = Stage::kPrepare, .took_ms = 640},
          {.stage = Stage::kTranscribe, .took_ms = transcribe_ms},
          {.stage = Stage::kSummarize, .took_ms = 6'300},
          {.stage = Stage::kDeliver, .took_ms = 900}};
}

store::Summary MakeSummary(const json& body, std::int64_t at) {
  return {.model = "gpt-4o",
          .summary_json = body.dump(),
          .call_kind = body.value("call_kind", "conversation"),
          .sentiment = body.value("sentiment", "neutral"),
          .created_at_ms = at};
}

std::vector<store::UsageRow> Usage(double audio_seconds, std::int64_t at) {
  return {{.stage = Stage::kTranscribe,
           .provider = "openai",
           .model = "whisper-1",
           .operation = "transcription",
           .audio_seconds = audio_seconds,
           .latency_ms = 8'400,
           .cost_usd = audio_seconds / 60 * 0.006,
           .at_ms = at},
          {.stage = Stage::kSummarize,
           .provider = "openai",
           .model = "gpt-4o",
           .operation = "summary",
           .input_tokens = 1'850,
           .output_tokens = 420,
           .latency_ms = 6'100,
           .cost_usd = 1'850 * 2.5e-6 + 420 * 1e-5,
           .at_ms = at}};
}

std::vector<store::Delivery> Delivered(std::int64_t at, int message_id) {
  return {{.channel = "bitrix_timeline",
           .status = "done",
           .attempts = 1,
           .external_id = std::to_string(message_id + 5000),
           .delivered_at_ms = at},
          {.channel = "telegram",
           .status = "done",
           .attempts = 1,
           .external_id = std::to_string(message_id),
           .delivered_at_ms = at}};
}

// The scorecard of the summary model's `answers` against the shipped sales checklist, checked
// against the transcript exactly as the summarize stage checks them.
store::ScorecardRecord Scored(const std::vector<store::TranscriptSegment>& segments,
                              const std::vector<analytics::CriterionAnswer>& answers,
                              std::int64_t at) {
  std::vector<analytics::Segment> lines;
  for (const auto& s : segments) lines.push_back({s.start_ms, s.end_ms, s.speaker, s.text});
  const analytics::Checklist checklist = analytics::DefaultSalesChecklist();
  const analytics::Scorecard scorecard = analytics::ScoreConversation(checklist, answers, lines);
  return {.checklist_id = checklist.id,
          .score = scorecard.score,
          .critical_failed = !scorecard.failed_critical.empty(),
          .scorecard_json = analytics::ScorecardToJson(scorecard).dump(),
          .created_at_ms = at};
}

SeedCall Base(std::string id, store::Direction direction, std::string client, std::int64_t user,
              std::string manager, int duration, std::int64_t started) {
  return {.bitrix_call_id = std::move(id),
          .direction = direction,
          .client_number = std::move(client),
          .portal_number = "+74951234500",
          .portal_user_id = user,
          .manager_name = std::move(manager),
          .duration_seconds = duration,
          .started_at_ms = started,
          .received_at_ms = started + std::int64_t{duration} * 1000 + 2'000};
}

}  // namespace

core::Result<std::vector<SeedCall>> DemoCalls(std::int64_t now_ms,
                                              const std::filesystem::path& data_dir) {
  std::vector<SeedCall> calls;
  const std::int64_t today = now_ms - 3 * kHour;
  const auto recordings = data_dir / "recordings";

  SeedCall order = Base("demo-order", store::Direction::kIncoming, "+79161234567", 7,
                        "Ольга Смирнова", 48, today - 2 * kHour);
  order.crm_entity_type = "CONTACT";
  order.crm_entity_id = 42;
  order.segments = Segments({
      {"manager", "Компания Офис Плюс, Ольга, здравствуйте."},
      {"client", "Здравствуйте. Я хочу заказать десять офисных кресел."},
      {"manager", "Конечно. Какая модель вас интересует?"},
      {"client", "Модель Комфорт, чёрного цвета. Доставка нужна до пятницы."},
      {"manager", "Хорошо, я пришлю счёт сегодня до шести вечера."},
      {"client", "Отлично, спасибо. Жду счёт на почту."},
  });
  auto order_bytes = SpeakDialogue(order.segments, recordings / "demo-order.wav");
  if (!order_bytes) return order_bytes.error();
  order.recording_path = (recordings / "demo-order.wav").string();
  order.recording_bytes = *order_bytes;
  order.runs = DoneRuns();
  order.summary = MakeSummary(
      {{"summary",
        "Клиент Иван Петров из ООО «Ромашка» заказывает десять кресел модели «Комфорт» "
        "чёрного цвета с доставкой до пятницы. Менеджер обещала прислать счёт сегодня."},
       {"key_points", {"10 кресел «Комфорт», чёрные", "Доставка до пятницы", "Счёт — на почту"}},
       {"tasks",
        {{{"text", "Выставить счёт на 10 кресел"},
          {"owner", "Ольга Смирнова"},
          {"due", "сегодня до 18:00"}}}},
       {"client_request", "Купить 10 офисных кресел с доставкой до пятницы"},
       {"next_steps", "Отправить счёт, после оплаты согласовать доставку"},
       {"sentiment", "positive"},
       {"call_kind", "conversation"},
       {"client_name", "Иван Петров"},
       {"company", "ООО «Ромашка»"}},
      order.received_at_ms + 20'000);
  // The close is "quoted" with words nobody said: the check refuses it, as it would a model's.
  order.scorecard = Scored(order.segments,
                           {{"greeting", "yes", "Компания Офис Плюс, Ольга, здравствуйте."},
                            {"need", "yes", "Какая модель вас интересует?"},
                            {"offer", "no", std::nullopt},
                            {"objection", "na", std::nullopt},
                            {"next_step", "yes", "я пришлю счёт сегодня до шести вечера"},
                            {"close", "yes", "Спасибо за заказ, всего доброго!"}},
                           order.received_at_ms + 20'000);
  order.usage = Usage(48, order.received_at_ms + 15'000);
  order.deliveries = Delivered(order.received_at_ms + 19'000, 101);
  calls.push_back(order);

  SeedCall complaint = Base("demo-complaint", store::Direction::kOutgoing, "+79035550123", 9,
                            "Андрей Козлов", 41, today - 90 * kMinute);
  complaint.crm_entity_type = "DEAL";
  complaint.crm_entity_id = 310;
  complaint.segments = Segments({
      {"manager", "Добрый день, это Андрей из Офис Плюс. Звоню по вашему заказу."},
      {"client", "Наконец-то. Доставку обещали во вторник, а сейчас четверг."},
      {"manager", "Приношу извинения. Машина будет у вас завтра утром."},
      {"client", "Если завтра не привезёте, я отменю заказ."},
  });
  auto complaint_bytes = SpeakDialogue(complaint.segments, recordings / "demo-complaint.mp3");
  if (!complaint_bytes) return complaint_bytes.error();
  complaint.recording_path = (recordings / "demo-complaint.mp3").string();
  complaint.recording_bytes = *complaint_bytes;
  complaint.runs = DoneRuns(7'500);
  complaint.summary =
      MakeSummary({{"summary",
                    "Клиент недоволен задержкой доставки на два дня и грозит отменить заказ. "
                    "Менеджер извинился и пообещал доставку завтра утром."},
                   {"key_points", {"Доставка опоздала на два дня", "Клиент грозит отменой заказа"}},
                   {"tasks",
                    {{{"text", "Проконтролировать доставку завтра утром"},
                      {"owner", "Андрей Козлов"},
                      {"due", "завтра 10:00"}}}},
                   {"client_request", "Доставить заказ без дальнейших задержек"},
                   {"next_steps", "Подтвердить время доставки клиенту сегодня"},
                   {"sentiment", "negative"},
                   {"call_kind", "conversation"},
                   {"client_name", "Мария Соколова"},
                   {"company", ""}},
                  complaint.received_at_ms + 18'000);
  complaint.usage = Usage(41, complaint.received_at_ms + 12'000);
  complaint.deliveries = Delivered(complaint.received_at_ms + 17'000, 102);
  calls.push_back(complaint);

  SeedCall price = Base("demo-price", store::Direction::kIncoming, "+79257770011", 7,
                        "Ольга Смирнова", 95, today - 5 * kHour);
  price.segments = Segments({
      {"client", "Подскажите, сколько стоит стол руководителя?"},
      {"manager", "От сорока до девяноста тысяч, зависит от материала."},
      {"client", "Понятно, я подумаю и перезвоню."},
  });
  price.runs = DoneRuns();
  price.summary =
      MakeSummary({{"summary", "Клиент уточнил цену стола руководителя и обещал перезвонить."},
                   {"key_points", {"Цена: 40–90 тыс. ₽"}},
                   {"tasks", json::array()},
                   {"client_request", "Узнать цену стола руководителя"},
                   {"next_steps", "Ждать звонка клиента"},
                   {"sentiment", "neutral"},
                   {"call_kind", "conversation"},
                   {"client_name", ""},
                   {"company", ""}},
                  price.received_at_ms + 15'000);
  // Nothing agreed: the critical next step fails.
  price.scorecard = Scored(price.segments,
                           {{"greeting", "no", std::nullopt},
                            {"need", "no", std::nullopt},
                            {"offer", "yes", "От сорока до девяноста тысяч"},
                            {"objection", "no", std::nullopt},
                            {"next_step", "no", std::nullopt},
                            {"close", "no", std::nullopt}},
                           price.received_at_ms + 15'000);
  price.usage = Usage(95, price.received_at_ms + 10'000);
  price.deliveries = Delivered(price.received_at_ms + 14'000, 103);
  calls.push_back(price);

  SeedCall failed = Base("demo-failed", store::Direction::kIncoming, "+79169990088", 9,
                         "Андрей Козлов", 130, today - 4 * kHour);
  failed.runs = {{.stage = Stage::kResolve, .took_ms = 700},
                 {.stage = Stage::kDownload, .took_ms = 1'100},
                 {.stage = Stage::kPrepare, .took_ms = 500},
                 {.stage = Stage::kTranscribe,
                  .took_ms = 30'000,
                  .outcome = "retry",
                  .error = "POST /v1/audio/transcriptions: HTTP 503 from the provider"},
                 {.stage = Stage::kTranscribe,
                  .took_ms = 900,
                  .outcome = "failed",
                  .error = "POST /v1/audio/transcriptions: HTTP 401 Incorrect API key provided"}};
  failed.end = Stage::kFailed;
  failed.error_kind = "permanent";
  calls.push_back(failed);

  SeedCall skipped = Base("demo-skipped", store::Direction::kIncoming, "+79031112233", 7,
                          "Ольга Смирнова", 6, today - 3 * kHour);
  skipped.runs = {{.stage = Stage::kResolve, .took_ms = 600, .outcome = "skipped"}};
  skipped.end = Stage::kSkipped;
  skipped.skip_reason = "звонок короче MIN_CALL_DURATION (10 с): 6 с";
  calls.push_back(skipped);

  SeedCall waiting = Base("demo-waiting", store::Direction::kOutgoing, "+79254443322", 9,
                          "Андрей Козлов", 210, today - 20 * kMinute);
  waiting.runs = {{.stage = Stage::kResolve, .took_ms = 800},
                  {.stage = Stage::kDownload, .took_ms = 1'500}};
  waiting.end = Stage::kPrepare;
  calls.push_back(waiting);

  SeedCall voicemail = Base("demo-voicemail", store::Direction::kOutgoing, "+79165550000", 9,
                            "Андрей Козлов", 25, today - 6 * kHour);
  voicemail.segments =
      Segments({{"client", "Абонент не может ответить. Оставьте сообщение после сигнала."}});
  voicemail.runs = DoneRuns(3'000);
  voicemail.summary = MakeSummary(
      {{"summary", "Автоответчик: клиент не ответил."},
       {"key_points", json::array()},
       {"tasks", {{{"text", "Перезвонить клиенту"}, {"owner", "Андрей Козлов"}, {"due", ""}}}},
       {"client_request", ""},
       {"next_steps", "Перезвонить позже"},
       {"sentiment", "neutral"},
       {"call_kind", "voicemail"},
       {"client_name", ""},
       {"company", ""}},
      voicemail.received_at_ms + 8'000);
  voicemail.usage = Usage(25, voicemail.received_at_ms + 5'000);
  voicemail.deliveries = Delivered(voicemail.received_at_ms + 7'000, 104);
  calls.push_back(voicemail);
  return calls;
}

std::vector<SeedCall> RandomCalls(int count, int days, std::int64_t now_ms, std::uint32_t seed) {
  static const std::pair<std::int64_t, const char*> kManagers[] = {
      {11, "Анна Волкова"},   {12, "Борис Орлов"},    {13, "Виктория Лебедева"},
      {14, "Григорий Белов"}, {15, "Дарья Морозова"}, {16, "Евгений Новиков"},
      {17, "Жанна Павлова"},  {18, "Игорь Фёдоров"},  {19, "Ксения Егорова"},
      {20, "Леонид Зайцев"}};
  static const char* kSentiments[] = {"positive", "positive", "neutral",
                                      "neutral",  "neutral",  "negative"};
  static const char* kTopics[] = {"заказ мебели",   "уточнение цены", "жалоба на доставку",
                                  "возврат товара", "подбор модели",  "оплата счёта"};
  std::mt19937 rng(seed);
  std::vector<SeedCall> calls;
  calls.reserve(static_cast<size_t>(count));
  const std::int64_t span = std::int64_t{days} * kDay;
  for (int i = 0; i < count; ++i) {
    const auto& [user, name] = kManagers[rng() % 10];
    int duration = 12 + static_cast<int>(rng() % 600);
    std::int64_t started = now_ms - span + span * i / count - duration * 1000 - 60'000;
    SeedCall c = Base(fmt::format("bench-{:06}-{}", i, seed),
                      rng() % 3 == 0 ? store::Direction::kOutgoing : store::Direction::kIncoming,
                      fmt::format("+7495{:07}", rng() % 10'000'000), user, name, duration, started);
    const std::uint32_t roll = rng() % 100;
    const char* topic = kTopics[rng() % 6];
    if (roll < 90) {
      const char* sentiment = kSentiments[rng() % 6];
      c.segments = Segments({{"manager", "Здравствуйте, компания Офис Плюс."},
                             {"client", "Добрый день, я по поводу: "},
                             {"manager", "Да, давайте посмотрим."}});
      c.segments[1].text += topic;
      c.runs = DoneRuns(4'000 + static_cast<std::int64_t>(rng() % 20'000));
      c.summary = MakeSummary({{"summary", fmt::format("Клиент звонил: {}. Менеджер {} помог(ла) "
                                                       "и договорился(-ась) о следующем шаге.",
                                                       topic, name)},
                               {"key_points", {topic}},
                               {"tasks", json::array()},
                               {"client_request", topic},
                               {"next_steps", "Связаться с клиентом"},
                               {"sentiment", sentiment},
                               {"call_kind", "conversation"},
                               {"client_name", ""},
                               {"company", ""}},
                              c.received_at_ms + 20'000);
      c.usage = Usage(duration, c.received_at_ms + 15'000);
    } else if (roll < 96) {
      c.duration_seconds = 3 + static_cast<int>(rng() % 7);
      c.runs = {{.stage = Stage::kResolve, .took_ms = 600, .outcome = "skipped"}};
      c.end = Stage::kSkipped;
      c.skip_reason =
          fmt::format("звонок короче MIN_CALL_DURATION (10 с): {} с", c.duration_seconds);
    } else if (roll < 99) {
      c.runs = {{.stage = Stage::kResolve, .took_ms = 700},
                {.stage = Stage::kDownload,
                 .took_ms = 900,
                 .outcome = "failed",
                 .error = "disk.file.get: HTTP 404, the recording was deleted"}};
      c.end = Stage::kFailed;
      c.error_kind = "permanent";
    } else {
      c.runs = {{.stage = Stage::kResolve, .took_ms = 700, .outcome = "waiting"}};
      c.end = Stage::kResolve;
    }
    calls.push_back(std::move(c));
  }
  return calls;
}

}  // namespace callbrief::testing
