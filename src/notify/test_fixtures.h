#pragma once

#include <string>

#include "notify/message.h"

namespace callbrief::notify::testing {

// The call of the seed's example message (seed-ru.md, "Формат саммари в Telegram"), with nothing
// the seed does not show.
inline CallMessage SeedCall() {
  return CallMessage{
      .call_id = "5E316880469A6376.1773306964.8740011",
      .direction = Direction::kIncoming,
      .from_number = "+79001234567",
      .to_number = "+79009876543",
      .duration_seconds = 135,
      .summary = "Клиент звонил по поводу уборки в подъезде...",
      .key_points = {"Жалоба на качество уборки", "Просьба о дополнительной уборке",
                     "Согласование времени"},
      .tasks = {{.text = "Назначить дополнительную уборку на пятницу"},
                {.text = "Связаться с бригадой"},
                {.text = "Перезвонить клиенту для подтверждения"}},
      .client_request = "Улучшить качество уборки в подъезде",
      .next_steps = "Организовать встречу с клиентом, провести проверку",
      .sentiment = "negative",
  };
}

// The seed's message as the reader sees it, verbatim.
inline const std::string kSeedText =
    "📞 Входящий звонок\n"
    "\n"
    "📋 Информация:\n"
    "• От: +79001234567\n"
    "• Кому: +79009876543\n"
    "• Длительность: 2м 15с\n"
    "\n"
    "📝 Саммари:\n"
    "Клиент звонил по поводу уборки в подъезде...\n"
    "\n"
    "🎯 Ключевые пункты:\n"
    "• Жалоба на качество уборки\n"
    "• Просьба о дополнительной уборке\n"
    "• Согласование времени\n"
    "\n"
    "✅ Задачи:\n"
    "• Назначить дополнительную уборку на пятницу\n"
    "• Связаться с бригадой\n"
    "• Перезвонить клиенту для подтверждения\n"
    "\n"
    "💬 Запрос клиента:\n"
    "Улучшить качество уборки в подъезде\n"
    "\n"
    "➡️ Следующие шаги:\n"
    "Организовать встречу с клиентом, провести проверку\n"
    "\n"
    "📊 Тон разговора: negative";

// An outgoing call with everything beyond the seed filled in, and user text that needs escaping.
inline CallMessage FullCall() {
  CallMessage call = SeedCall();
  call.direction = Direction::kOutgoing;
  call.from_number = "+74950000001";
  call.to_number = "+79161234567";
  call.duration_seconds = 3725;
  call.started_at_ms = 1795510980000;  // 2026-11-24 09:03:00 UTC.
  call.manager_name = "Анна Смирнова";
  call.client_name = "ООО \"Чистый <Дом>\" & партнёры";
  call.client_url = "https://portal.bitrix24.ru/crm/contact/details/42/";
  call.call_url = "https://calls.example.ru/calls/17";
  call.summary = "Клиент жалуется: <b>грязно</b> & [B]шумно[/B].\nПросит перезвонить.";
  call.key_points = {"• Жалоба на уборку", "- Срок: 2 дня"};
  call.tasks = {{.text = "Назначить уборку", .owner = "Анна", .due = "до пятницы"},
                {.text = "Связаться с бригадой", .owner = "", .due = "завтра"},
                {.text = "   "}};
  call.call_kind = "complaint";
  call.transcript = {
      {.start_ms = 0, .speaker = "manager", .text = "Добрый день, компания «Чисто»."},
      {.start_ms = 4200, .speaker = "client", .text = "У нас в подъезде <грязно>!"},
      {.start_ms = 3'601'000, .speaker = "", .text = "Спасибо, до свидания."}};
  return call;
}

}  // namespace callbrief::notify::testing
