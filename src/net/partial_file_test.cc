#include "net/internal/partial_file.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "net/test_support.h"

namespace callbrief::net::internal {
namespace {

using Names = std::vector<std::string>;

TEST(PartialFileTest, CommitPutsTheBytesInPlaceAndHashesThem) {
  testing::TempDir dir;
  auto file = PartialFile::Create(dir.File("a.bin"));
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_TRUE((*file)->Append("ab").ok());
  EXPECT_TRUE((*file)->Append("c").ok());
  EXPECT_FALSE(std::filesystem::exists(dir.File("a.bin")));
  ASSERT_TRUE((*file)->Commit().ok());
  EXPECT_EQ((*file)->bytes(), 3u);
  EXPECT_EQ((*file)->sha256_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(testing::ReadFile(dir.File("a.bin")), "abc");
  EXPECT_EQ(dir.List(), Names{"a.bin"});
}

TEST(PartialFileTest, TheTemporaryFileSitsBesideTheFinalPath) {
  testing::TempDir dir;
  auto file = PartialFile::Create(dir.File("a.bin"));
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE((*file)->temp_path().starts_with(dir.File("a.bin.part-")));
  EXPECT_EQ(dir.List().size(), 1u);
}

TEST(PartialFileTest, AnEmptyBodyHasTheEmptyDigest) {
  testing::TempDir dir;
  auto file = PartialFile::Create(dir.File("empty"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Commit().ok());
  EXPECT_EQ((*file)->sha256_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(PartialFileTest, DestroyingAnUncommittedFileRemovesIt) {
  testing::TempDir dir;
  {
    auto file = PartialFile::Create(dir.File("a.bin"));
    ASSERT_TRUE(file.ok());
    EXPECT_TRUE((*file)->Append("partial").ok());
  }
  EXPECT_EQ(dir.List(), Names{});
}

TEST(PartialFileTest, AMissingDirectoryIsAConfigError) {
  testing::TempDir dir;
  auto file = PartialFile::Create(dir.File("missing/a.bin"));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(file.error().message.find("missing/a.bin"), std::string::npos) << file.error().message;
}

}  // namespace
}  // namespace callbrief::net::internal
