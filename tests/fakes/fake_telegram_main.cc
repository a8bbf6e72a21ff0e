// fake-telegram: the emulated Telegram Bot API as a process, for trying callbrief by hand.
//
//   fake-telegram --port 8091 --token 123:abc --chat -1001234567890 --forum-topic 42 --echo
//
// prints what to configure (TELEGRAM_API_BASE_URL, TELEGRAM_BOT_TOKEN, TELEGRAM_TARGET_CHAT_ID),
// serves until SIGINT or SIGTERM, and with --echo prints every accepted message as the chat would
// show it.

#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "fakes/fake_telegram.h"

int main(int argc, char** argv) {
  callbrief::fakes::FakeTelegramOptions options;
  std::int64_t chat_id = -1001234567890;
  std::string chat_type = "supergroup";
  std::vector<std::int64_t> topics;
  std::int64_t migrate_from = 0;
  bool echo = false;
  CLI::App app{
      "Emulated Telegram Bot API (getMe, getChat, getChatMember, sendMessage, "
      "sendDocument)"};
  app.add_option("--port", options.port, "Port on 127.0.0.1 (0: any free one)");
  app.add_option("--token", options.token, "The bot token it accepts (<digits>:<secret>)");
  app.add_option("--chat", chat_id, "The chat the bot is a member of");
  app.add_option("--chat-type", chat_type, "private, group, supergroup or channel");
  app.add_option("--forum-topic", topics, "Make the chat a forum with these topic ids");
  app.add_option("--migrated-group", migrate_from,
                 "A group id that answers migrate_to_chat_id pointing to --chat");
  app.add_flag("--echo", echo, "Print every accepted message");
  CLI11_PARSE(app, argc, argv);
  if (options.token.find(':') == std::string::npos) {
    std::cerr << "fake-telegram: --token must look like <digits>:<secret>\n";
    return 2;
  }

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int stop_signal : {SIGINT, SIGTERM}) {
    signal(stop_signal, SIG_DFL);
    sigaddset(&stop_signals, stop_signal);
  }
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  callbrief::fakes::FakeTelegram telegram(options);
  telegram.AddChat({.id = chat_id,
                    .type = chat_type,
                    .is_forum = !topics.empty(),
                    .topics = topics,
                    .bot_status = chat_type == "channel" ? "administrator" : "member",
                    .can_post_messages = true});
  if (migrate_from != 0) {
    telegram.AddChat({.id = migrate_from, .type = "group"});
    telegram.UpgradeToSupergroup(migrate_from, chat_id);
  }
  if (auto started = telegram.Start(); !started.ok()) {
    std::cerr << started.error().message << "\n";
    return 1;
  }
  std::cout << "TELEGRAM_API_BASE_URL=" << telegram.BaseUrl() << "\n"
            << "TELEGRAM_BOT_TOKEN=" << telegram.Token() << "\n"
            << "TELEGRAM_TARGET_CHAT_ID=" << (migrate_from != 0 ? migrate_from : chat_id)
            << std::endl;

  std::atomic<bool> done{false};
  std::thread printer([&] {
    std::size_t shown = 0;
    while (!done) {
      auto messages = telegram.Messages();
      for (; shown < messages.size(); ++shown) {
        const auto& m = messages[shown];
        std::cout << "--- chat " << m.chat_id << " message " << m.message_id
                  << (m.is_document ? " document " + m.file_name : std::string()) << "\n"
                  << m.text << std::endl;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  if (!echo) {
    done = true;
    printer.join();
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  done = true;
  if (printer.joinable()) printer.join();
  telegram.Stop();
  return 0;
}
