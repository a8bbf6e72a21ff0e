#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time_map.h"

namespace callbrief::audio {

// What the chunks sent to the speech-to-text provider are encoded as: 16 kHz mono each.
enum class ChunkFormat {
  kMp3,   // libmp3lame, CBR `bitrate`; the default (smallest that every backend accepts)
  kOpus,  // libopus in Ogg, `bitrate`
  kFlac,  // lossless, for self-hosted servers
  kWav,   // 16-bit PCM, for self-hosted servers
};
std::string_view ChunkFormatName(ChunkFormat format);  // "mp3", "opus", "flac", "wav"
std::optional<ChunkFormat> ChunkFormatFromName(std::string_view name);

// How the recording's channels were understood.
enum class Layout {
  kMono,            // one channel (or more than two, mixed down)
  kTwoPartyStereo,  // one party per channel: transcribed separately, labelled by channel
  kMonoMixStereo,   // two channels carrying the same mix (copied mono, panned conference): mixed
};
std::string_view LayoutName(Layout layout);  // "mono", "two_party_stereo", "mono_mix_stereo"

struct PrepareOptions {
  std::filesystem::path work_dir = {};  // Chunk files go here (created if missing); "chunk-*" files
                                        // already there are deleted first.
  ChunkFormat format = ChunkFormat::kMp3;
  int bitrate = 32000;                              // bits/s for mp3 and opus
  std::int64_t max_chunk_seconds = 1200;            // provider hard limit 1500 s (gpt-4o models)
  std::int64_t max_chunk_bytes = 24 * 1024 * 1024;  // provider limit 25 MB
  std::int64_t max_recording_seconds = 4 * 3600;    // longer recordings are refused
  // MAX_CALL_MINUTES: only the first this many seconds are analysed and transcribed; the rest is
  // reported (AudioReport::transcribed_until_seconds), never silently dropped. It bounds what one
  // call may cost. Decoding stops there, so a longer recording is not refused for its length.
  std::int64_t max_transcribed_seconds = 120 * 60;

  // Two-party stereo: which side is the portal's (Bitrix24/Voximplant record the manager LEFT).
  bool manager_on_left = true;

  // Speech detection (energy with hysteresis, per channel, 10 ms frames).
  double vad_threshold_db = 10;     // speech starts this far above the channel's noise floor
  double vad_min_level_dbfs = -55;  // and is never quieter than this
  int vad_hangover_ms = 300;        // a dip shorter than this does not end speech
  // Two-party stereo: a frame is not this side's speech when the other side was this much louder
  // within the last crosstalk_window_ms (echo, crosstalk between the lines).
  double crosstalk_margin_db = 20;
  int crosstalk_window_ms = 150;

  // Cutting silence.
  int pad_before_ms = 200;      // kept before each stretch of speech
  int pad_after_ms = 300;       // kept after it
  int min_cut_pause_ms = 1000;  // shorter pauses (after padding) are kept whole
  int split_overlap_ms = 1000;  // overlap when speech with no pause must be split mid-way
};

// One file to upload. Chunks of one speaker never overlap except around a forced split (speech
// longer than max_chunk_seconds with no pause in it), which overlaps by split_overlap_ms.
struct Chunk {
  int index = 0;  // 0-based, ordered by the original time of the chunk's first audio
  std::filesystem::path path = {};
  std::string mime_type = {};  // "audio/mpeg", "audio/ogg", "audio/flac", "audio/wav"
  std::string speaker = {};  // "manager" / "client" for a two-party stereo recording, "" otherwise
  core::TimeMap time_map = {};  // chunk time → original recording time
  double seconds = 0;           // duration of the audio in the chunk file
  std::int64_t bytes = 0;
};

// Facts about one call's recording, stored with the call (CallRecord.audio_report_json) and shown
// in the UI. Seconds are of the original recording unless said otherwise.
struct AudioReport {
  double duration_seconds = 0;
  int channels = 0;            // in the recording
  int sample_rate = 0;         // of the recording
  std::string container = {};  // "mp3", "wav", "ogg", "mov,mp4,m4a,3gp,3g2,mj2", …
  std::string codec = {};      // "mp3", "pcm_s16le", "opus", "aac", …
  Layout layout = Layout::kMono;
  std::vector<double> channel_speech_seconds = {};  // per analysed channel (1 or 2)
  double manager_speech_seconds = 0;                // two-party stereo only
  double client_speech_seconds = 0;                 // two-party stereo only
  double speech_seconds = 0;                        // anyone speaking
  double overlap_seconds = 0;                       // both parties at once (two-party stereo)
  double silence_ratio = 0;                         // 1 - speech / duration
  double channel_correlation = 0;  // of the two channels' samples; ~1 for copied mono
  double billed_seconds = 0;       // audio in all chunks, what the provider bills
  int chunk_count = 0;
  std::string chunk_format = {};  // ChunkFormatName
  int damaged_packets = 0;        // skipped while decoding
  // Set when the recording is longer than max_transcribed_seconds: only [0, this) was analysed
  // and transcribed. duration_seconds is then the length the file declares (this limit when it
  // declares none: the recording is at least this long).
  std::optional<double> transcribed_until_seconds = {};

  std::string ToJson() const;
};

struct PreparedAudio {
  AudioReport report = {};
  std::vector<Chunk> chunks = {};  // empty ⇔ no speech was found
};

// Decodes `recording` (any container/codec FFmpeg reads from a local file: mp3, wav, ogg/opus,
// m4a, flac, …; any rate; mono or stereo), finds speech per channel, decides the layout, cuts
// silence, and writes the chunks into options.work_dir. Decodes the recording once, keeping the
// 16 kHz samples in an unlinked temporary file in work_dir until the chunks are encoded: needs
// 32 kB of disk per second and channel there (230 MB for a one-hour stereo call) and, in memory,
// about 1.2 kB per second of recording plus codec state.
//
// Errors: kPermanent for input that is not usable audio (empty, damaged, truncated, not audio,
// too long), with a message naming the file and what is wrong; kTransient when writing chunks
// fails (disk full, permissions); kConfig for impossible options. On error no chunk file of this
// call is left behind. Not thread-safe per work_dir; separate calls may run in parallel.
core::Result<PreparedAudio> PrepareRecording(const std::filesystem::path& recording,
                                             const PrepareOptions& options);

}  // namespace callbrief::audio
