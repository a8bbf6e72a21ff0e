// fake-openai: the OpenAI-compatible emulator as a process, for trying callbrief by hand.
//
//   fake-openai --port 8091 --api-key sk-local
//
// prints the base URL to configure (OPENAI_BASE_URL / TRANSCRIBE_BASE_URL) and serves until
// SIGINT or SIGTERM. Transcripts are the emulator's default (plausible Russian lines, one every
// 6 s of audio); summaries are instances of the schema callbrief sends.

#include <signal.h>

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "fakes/fake_openai.h"

int main(int argc, char** argv) {
  callbrief::fakes::FakeOpenAiOptions options;
  bool no_json_schema = false;
  int slow_ms = 0;
  CLI::App app{"Emulated OpenAI-compatible API (/v1/audio/transcriptions, /v1/chat/completions)"};
  app.add_option("--port", options.port, "Port on 127.0.0.1 (0: any free one)");
  app.add_option("--api-key", options.api_key, "The accepted key (empty: accept any)");
  app.add_flag("--any-model", options.accept_any_model,
               "Accept any transcription model name, like a self-hosted server");
  app.add_flag("--no-json-schema", no_json_schema,
               "Refuse response_format json_schema, like a backend without structured outputs");
  app.add_option("--slow-ms", slow_ms, "Delay every answer by this many milliseconds");
  CLI11_PARSE(app, argc, argv);

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int stop_signal : {SIGINT, SIGTERM}) {
    signal(stop_signal, SIG_DFL);
    sigaddset(&stop_signals, stop_signal);
  }
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  callbrief::fakes::FakeOpenAi fake(options);
  fake.SetJsonSchemaSupported(!no_json_schema);
  if (slow_ms > 0) {
    fake.InjectFault(
        callbrief::fakes::OpenAiEndpoint::kAny,
        callbrief::fakes::OpenAiFault::Slow(std::chrono::milliseconds(slow_ms)).Times(1 << 30));
  }
  if (auto started = fake.Start(); !started.ok()) {
    std::cerr << started.error().message << "\n";
    return 1;
  }
  std::cout << "base url: " << fake.BaseUrl() << "\n"
            << "api key:  " << (options.api_key.empty() ? "(any)" : options.api_key) << std::endl;
  int received = 0;
  sigwait(&stop_signals, &received);
  fake.Stop();
  return 0;
}
