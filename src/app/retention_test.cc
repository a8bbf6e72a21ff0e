#include "app/retention.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "testing/manual_clock.h"
#include "testing/temp_dir.h"

namespace callbrief::app {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;

class RetentionTest : public ::testing::Test {
 protected:
  // Writes DATA_DIR/calls/<call>/<name> and dates it (and its directory) `age` before now.
  fs::path WriteFile(const std::string& call, const std::string& name, std::string_view body,
                     std::chrono::seconds age) {
    const fs::path directory = fs::path(data_dir_) / "calls" / call;
    fs::create_directories(directory);
    const fs::path path = directory / name;
    std::ofstream(path) << body;
    Age(path, age);
    Age(directory, age);
    return path;
  }
  void Age(const fs::path& path, std::chrono::seconds age) {
    const auto when = std::chrono::system_clock::to_time_t(now_ - age);
    const struct timeval times[2] = {{when, 0}, {when, 0}};
    ASSERT_EQ(::lutimes(path.c_str(), times), 0);
  }

  testing::TempDir dir_;
  const std::string data_dir_ = dir_.path().string();
  core::TimePoint now_ = std::chrono::system_clock::now();
};

TEST_F(RetentionTest, AnErasedCallsAudioIsDeletedWhateverItsAgeAndNoOtherCallsIs) {
  WriteFile("17", "recording.mp3", "0123456789", hours(0));
  WriteFile("17", "chunk-000.ogg", "01234", hours(0));
  WriteFile("170", "recording.mp3", "other", hours(0));

  auto removed = RemoveCallAudio(data_dir_, 17);

  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(removed->calls, 1);
  EXPECT_EQ(removed->files, 2);
  EXPECT_EQ(removed->bytes, 15);
  EXPECT_FALSE(fs::exists(fs::path(data_dir_) / "calls" / "17"));
  EXPECT_TRUE(fs::exists(fs::path(data_dir_) / "calls" / "170" / "recording.mp3"));
  // Nothing left to delete (never downloaded, or erased before) is not an error.
  auto again = RemoveCallAudio(data_dir_, 17);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->calls, 0);
}

TEST_F(RetentionTest, AnErasedCallsDirectoryThatIsALinkLosesTheLinkNotItsTarget) {
  const fs::path elsewhere = dir_.path() / "elsewhere";
  fs::create_directories(elsewhere);
  std::ofstream(elsewhere / "keep.txt") << "not ours";
  fs::create_directories(fs::path(data_dir_) / "calls");
  fs::create_directory_symlink(elsewhere, fs::path(data_dir_) / "calls" / "21");

  auto removed = RemoveCallAudio(data_dir_, 21);

  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_FALSE(fs::exists(fs::symlink_status(fs::path(data_dir_) / "calls" / "21")));
  EXPECT_TRUE(fs::exists(elsewhere / "keep.txt"));
}

TEST_F(RetentionTest, DeletesTheAudioOfCallsWhoseFilesAreAllOlderThanTheCutoff) {
  WriteFile("17", "recording.mp3", "0123456789", hours(24 * 40));
  WriteFile("17", "chunk-000.mp3", "01234", hours(24 * 40));
  WriteFile("18", "recording.mp3", "new", hours(1));
  // A call downloaded long ago whose chunks were prepared again yesterday is still in use.
  WriteFile("19", "recording.mp3", "old", hours(24 * 40));
  WriteFile("19", "chunk-000.mp3", "fresh", hours(24));

  auto sweep = PurgeAudio(data_dir_, now_ - hours(24 * 30));

  ASSERT_TRUE(sweep.ok()) << sweep.error().message;
  EXPECT_EQ(sweep->calls, 1);
  EXPECT_EQ(sweep->files, 2);
  EXPECT_EQ(sweep->bytes, 15);
  EXPECT_FALSE(fs::exists(fs::path(data_dir_) / "calls" / "17"));
  EXPECT_TRUE(fs::exists(fs::path(data_dir_) / "calls" / "18" / "recording.mp3"));
  EXPECT_TRUE(fs::exists(fs::path(data_dir_) / "calls" / "19" / "recording.mp3"));
}

TEST_F(RetentionTest, LeavesWhatIsNotACallDirectoryAndNeverFollowsLinks) {
  const fs::path outside = fs::path(data_dir_) / "keep.txt";
  std::ofstream(outside) << "not audio";
  WriteFile("notes", "old.txt", "x", hours(24 * 400));
  fs::create_directories(fs::path(data_dir_) / "calls" / "20");
  fs::create_symlink(outside, fs::path(data_dir_) / "calls" / "20" / "link");
  Age(fs::path(data_dir_) / "calls" / "20" / "link", hours(24 * 400));
  Age(fs::path(data_dir_) / "calls" / "20", hours(24 * 400));

  auto sweep = PurgeAudio(data_dir_, now_ - hours(24));

  ASSERT_TRUE(sweep.ok());
  EXPECT_EQ(sweep->calls, 1);  // Call 20 and its link went, not what the link points to.
  EXPECT_TRUE(fs::exists(outside));
  EXPECT_TRUE(fs::exists(fs::path(data_dir_) / "calls" / "notes" / "old.txt"));
}

TEST_F(RetentionTest, NoCallsDirectoryIsNothingToDo) {
  auto sweep = PurgeAudio(data_dir_, now_);
  ASSERT_TRUE(sweep.ok());
  EXPECT_EQ(sweep->calls, 0);
}

TEST_F(RetentionTest, RemovesOnlyPartialDownloadsOlderThanTheCutoff) {
  WriteFile("21", "recording.mp3.part-a1B2c3", "half", hours(2));
  WriteFile("21", "recording.mp3", "whole", hours(2));
  WriteFile("22", "recording.mp3.part-Zz9Yy8", "in flight", std::chrono::seconds(0));

  AudioSweep sweep = RemovePartialDownloads(data_dir_, now_ - hours(1));

  EXPECT_EQ(sweep.partial_downloads, 1);
  EXPECT_FALSE(fs::exists(fs::path(data_dir_) / "calls" / "21" / "recording.mp3.part-a1B2c3"));
  EXPECT_TRUE(fs::exists(fs::path(data_dir_) / "calls" / "21" / "recording.mp3"));
  EXPECT_TRUE(fs::exists(fs::path(data_dir_) / "calls" / "22" / "recording.mp3.part-Zz9Yy8"));
}

TEST_F(RetentionTest, SweeperKeepsRecordingsYoungerThanTheRetention) {
  WriteFile("23", "recording.mp3", "a", hours(24 * 8));
  WriteFile("24", "recording.mp3", "b", hours(24 * 6));
  testing::ManualClock clock(now_);
  RetentionSweeper sweeper(data_dir_, 7, clock);

  AudioSweep sweep = sweeper.SweepOnce();

  EXPECT_EQ(sweep.calls, 1);
  EXPECT_FALSE(fs::exists(fs::path(data_dir_) / "calls" / "23"));
  EXPECT_TRUE(fs::exists(fs::path(data_dir_) / "calls" / "24"));
}

TEST(ParseAgeTest, ReadsAWholeNumberAndAUnit) {
  EXPECT_EQ(ParseAge("30d"), std::chrono::seconds(30 * 86400));
  EXPECT_EQ(ParseAge("12h"), std::chrono::seconds(12 * 3600));
  EXPECT_EQ(ParseAge("90m"), std::chrono::seconds(90 * 60));
  EXPECT_EQ(ParseAge("0s"), std::chrono::seconds(0));
  for (const char* bad :
       {"", "d", "30", "30x", "-1d", "1.5d", "30 d", "99999999999999999999d", "99999999d"}) {
    EXPECT_FALSE(ParseAge(bad).has_value()) << bad;
  }
}

TEST(FormatBytesTest, UsesBinaryUnits) {
  EXPECT_EQ(FormatBytes(80), "80 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(730ll * 1024 * 1024), "730 MiB");
}

}  // namespace
}  // namespace callbrief::app
