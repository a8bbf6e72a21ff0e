// fake-bitrix24: the emulated Bitrix24 portal as a process, for trying callbrief by hand.
//
//   fake-bitrix24 --port 8090 --code localdev --seed-calls 5 --recording call.mp3
//                 --post-events http://127.0.0.1:8080/api/bitrix-webhook/call-finished
//                 --application-token secret
//
// prints the inbound webhook URL to configure (BITRIX24_WEBHOOK_URL), seeds answered calls with
// the given file as their recording, optionally posts ONVOXIMPLANTCALLEND for each to a handler,
// and serves until SIGINT or SIGTERM.
//
//   fake-bitrix24 --port 8090 --local-app --install http://127.0.0.1:8080/api/bitrix-app/install
//
// adds a local application instead (prints BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET,
// BITRIX24_PORTAL_URL and BITRIX24_OAUTH_URL to configure) and, with --install, installs it into
// a running callbrief; seeded calls are then announced to the handlers callbrief bound.

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fakes/fake_bitrix24.h"

namespace {

using callbrief::fakes::CallBuilder;
using callbrief::fakes::FakeBitrix24;

struct Flags {
  int port = 0;
  std::string code;
  std::int64_t user = 1;
  int seed_calls = 0;
  std::string recording;
  bool non_admin = false;
  bool rate_limit = false;
  std::string scopes = "crm,disk,telephony,user";
  int download_ttl = 3600;
  std::string post_events;
  std::string application_token;
  bool local_app = false;
  std::string install_url;
};

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// The recording every seeded call gets: the file's bytes, or a stand-in (an ID3 tag and silence)
// that is enough to exercise downloads but is not decodable audio.
bool RecordingBytes(const std::string& path, std::string* bytes) {
  if (path.empty()) {
    *bytes = std::string("ID3\x03\x00\x00\x00\x00\x00\x00", 10) + std::string(16 * 1024, '\0');
    return true;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  bytes->assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return true;
}

// Seeds a realistic mix: mostly answered calls with recordings, every fifth one missed.
std::vector<std::string> Seed(FakeBitrix24& portal, int count, const std::string& recording) {
  std::vector<std::string> ids;
  auto now = std::chrono::system_clock::now();
  for (int i = 0; i < count; ++i) {
    CallBuilder call;
    call.Phone("+7916" + std::to_string(1000000 + 7919 * i))
        .StartedAt(now - std::chrono::minutes(15 * (count - i)))
        .Duration(40 + 37 * i % 300);
    if (i % 2 == 1) call.Outgoing();
    if (i % 3 == 2) call.Deal(3000 + i);
    if (i % 5 == 4) call.Missed();
    std::string id = portal.AddCall(call.Build());
    if (i % 5 != 4) portal.AttachRecording(id, recording);
    ids.push_back(id);
  }
  return ids;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{"Emulated Bitrix24 portal (inbound webhook REST + ONVOXIMPLANTCALLEND events)"};
  app.add_option("--port", flags.port, "Port on 127.0.0.1 (0: any free one)");
  app.add_option("--code", flags.code, "Webhook code (default: random)");
  app.add_option("--user", flags.user, "Webhook user id");
  app.add_option("--seed-calls", flags.seed_calls, "Number of calls to put in the history");
  app.add_option("--recording", flags.recording, "File whose bytes are every seeded recording");
  app.add_flag("--non-admin", flags.non_admin, "The webhook user is not an administrator");
  app.add_flag("--rate-limit", flags.rate_limit, "Enforce the 50 burst / 2 per second limit");
  app.add_option("--scopes", flags.scopes, "Granted scopes, comma-separated");
  app.add_option("--download-ttl", flags.download_ttl, "Seconds a DOWNLOAD_URL stays valid");
  app.add_option("--post-events", flags.post_events,
                 "Handler URL to post the seeded calls' events");
  app.add_option("--application-token", flags.application_token, "auth[application_token]");
  app.add_flag("--local-app", flags.local_app, "Add a local application (option B)");
  app.add_option("--install", flags.install_url, "With --local-app: post ONAPPINSTALL here");
  CLI11_PARSE(app, argc, argv);

  std::string recording;
  if (!RecordingBytes(flags.recording, &recording)) {
    std::cerr << "fake-bitrix24: cannot read " << flags.recording << "\n";
    return 2;
  }
  // Blocked before the server starts, so only sigwait below sees them; default dispositions
  // because a shell starts background jobs with SIGINT ignored, and ignored signals are dropped.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int stop_signal : {SIGINT, SIGTERM}) {
    signal(stop_signal, SIG_DFL);
    sigaddset(&stop_signals, stop_signal);
  }
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  FakeBitrix24 portal({flags.code, flags.user, flags.port, nullptr, 0});
  portal.SetAdmin(!flags.non_admin);
  portal.SetGrantedScopes(Split(flags.scopes));
  portal.SetDownloadTtl(std::chrono::seconds(flags.download_ttl));
  if (flags.rate_limit) portal.EnableRateLimit();
  if (auto started = portal.Start(); !started.ok()) {
    std::cerr << started.error().message << "\n";
    return 1;
  }
  std::cout << "webhook url: " << portal.WebhookUrl() << "\n"
            << "domain:      " << portal.Domain() << "\n"
            << "member_id:   " << portal.MemberId() << std::endl;
  if (flags.local_app) {
    auto credentials = portal.CreateLocalApp();
    std::cout << "BITRIX24_CLIENT_ID=" << credentials.client_id << "\n"
              << "BITRIX24_CLIENT_SECRET=" << credentials.client_secret << "\n"
              << "BITRIX24_PORTAL_URL=" << portal.BaseUrl() << "\n"
              << "BITRIX24_OAUTH_URL=" << portal.OAuthTokenUrl() << std::endl;
    if (!flags.install_url.empty()) {
      std::cout << "install -> " << portal.InstallLocalApp(flags.install_url) << std::endl;
    }
  }
  for (const std::string& id : Seed(portal, flags.seed_calls, recording)) {
    std::cout << "call:        " << id << std::endl;
    if (flags.local_app && portal.LocalAppState().installed) {
      for (int status : portal.AnnounceCallEndToApp(id)) {
        std::cout << "  event -> " << status << std::endl;
      }
      continue;
    }
    if (flags.post_events.empty()) continue;
    auto posted = callbrief::fakes::PostCallEnd(flags.post_events, *portal.FindCall(id),
                                                flags.application_token, portal.Envelope());
    std::cout << "  event -> "
              << (posted ? std::to_string(posted->status) : httplib::to_string(posted.error()))
              << std::endl;
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  portal.Stop();
  return 0;
}
