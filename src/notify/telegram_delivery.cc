#include "notify/telegram_delivery.h"

#include <fmt/format.h>

#include "notify/message_text.h"
#include "notify/telegram_format.h"

namespace callbrief::notify {
namespace {

std::string DocumentCaption(const CallMessage& m) {
  std::string from = CleanLine(m.from_number);
  std::string to = CleanLine(m.to_number);
  std::string caption =
      fmt::format("<b>📜 Расшифровка звонка</b>\n{} → {}", EscapeHtml(from.empty() ? "—" : from),
                  EscapeHtml(to.empty() ? "—" : to));
  if (m.duration_seconds) caption += ", " + FormatDuration(*m.duration_seconds);
  // Numbers are short, but they come from outside: keep within the 1024-character caption limit.
  if (VisibleUtf16Length(caption) > 1000) caption = "<b>📜 Расшифровка звонка</b>";
  return caption;
}

// Sends one item to the progress's chat, following one migration.
template <typename Send>
core::Result<std::int64_t> SendFollowingMigration(DeliveryProgress& progress,
                                                  const ProgressSink& on_progress, Send send) {
  auto sent = send(progress.chat_id);
  if (sent) return sent;
  auto migrated = MigratedChatId(sent.error());
  if (!migrated || *migrated == progress.chat_id) return sent;
  progress.chat_id = *migrated;
  if (auto saved = on_progress(progress); !saved) return saved.error();
  return send(progress.chat_id);
}

}  // namespace

TelegramDelivery PlanTelegramDelivery(const CallMessage& message, const DeliveryOptions& options) {
  CallMessage without = message;
  without.transcript.clear();
  bool has_transcript = !FormatTranscriptText(message).empty();
  bool inline_transcript = false;
  if (has_transcript) {
    switch (options.transcript) {
      case TranscriptMode::kOff:
      case TranscriptMode::kDocument:
        break;
      case TranscriptMode::kInline:
        inline_transcript = true;
        break;
      case TranscriptMode::kAuto: {
        std::string html = FormatTelegramHtml(message);
        std::size_t with = VisibleUtf16Length(html);
        std::size_t bare = VisibleUtf16Length(FormatTelegramHtml(without));
        // Inline only while the whole message stays within kTelegramMaxEntities (each bold
        // speaker name is one): past it a short transcript of many short lines would be split
        // into several messages for its formatting alone, where one document reads better.
        inline_transcript = with - bare <= options.inline_transcript_max_utf16 &&
                            TelegramEntityCount(html) <= kTelegramMaxEntities;
        break;
      }
    }
  }
  TelegramDelivery delivery;
  delivery.parts = FormatTelegramMessages(inline_transcript ? message : without);
  bool document =
      has_transcript && !inline_transcript && options.transcript != TranscriptMode::kOff;
  if (document) {
    delivery.document = TelegramDocument{.file_name = TranscriptFileName(message),
                                         .content = FormatTranscriptText(message),
                                         .caption_html = DocumentCaption(message)};
  }
  return delivery;
}

core::Result<DeliveryProgress> DeliverToTelegram(TelegramClient& client, const ChatTarget& target,
                                                 const TelegramDelivery& delivery,
                                                 DeliveryProgress progress,
                                                 const ProgressSink& on_progress) {
  if (progress.chat_id.empty()) progress.chat_id = target.chat_id;
  auto chat = [&target](const std::string& chat_id) {
    return ChatTarget{.chat_id = chat_id, .thread_id = target.thread_id};
  };
  for (std::size_t i = progress.message_ids.size(); i < delivery.parts.size(); ++i) {
    auto sent = SendFollowingMigration(progress, on_progress, [&](const std::string& chat_id) {
      return client.SendMessage(chat(chat_id), delivery.parts[i]);
    });
    if (!sent) {
      return sent.error().WithContext(
          fmt::format("delivering to Telegram (part {} of {})", i + 1, delivery.parts.size()));
    }
    progress.message_ids.push_back(*sent);
    if (auto saved = on_progress(progress); !saved) return saved.error();
  }
  if (delivery.document && !progress.document_message_id) {
    auto sent = SendFollowingMigration(progress, on_progress, [&](const std::string& chat_id) {
      return client.SendDocument(chat(chat_id), *delivery.document);
    });
    if (!sent) return sent.error().WithContext("delivering to Telegram (the transcript document)");
    progress.document_message_id = *sent;
    if (auto saved = on_progress(progress); !saved) return saved.error();
  }
  return progress;
}

}  // namespace callbrief::notify
