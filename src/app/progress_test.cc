#include "app/progress.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace callbrief::app {
namespace {

// What `write` printed through a ProgressLine on a memory file.
template <typename Write>
std::string Printed(bool terminal, std::int64_t total, Write write) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  {
    ProgressLine progress(total, out, terminal);
    write(progress);
  }
  std::fclose(out);
  std::string text(buffer, size);
  std::free(buffer);
  return text;
}

TEST(EstimateLeft, ExtrapolatesThePaceSoFar) {
  EXPECT_EQ(EstimateLeft(0, 10, 5.0), "?");
  EXPECT_EQ(EstimateLeft(1, 10, 5.0), "0:45");
  EXPECT_EQ(EstimateLeft(10, 100, 20.0), "3:00");
  EXPECT_EQ(EstimateLeft(10, 10, 99.0), "0:00");
}

TEST(ProgressBar, FillsInProportion) {
  EXPECT_EQ(ProgressBar(0, 10, 10), "[..........] ");
  EXPECT_EQ(ProgressBar(5, 10, 10), "[#####.....] ");
  EXPECT_EQ(ProgressBar(12, 10, 10), "[##########] ");
  EXPECT_EQ(ProgressBar(0, 0, 4), "[####] ");
}

TEST(ProgressLine, OnATerminalOneLineRewritesItselfAndNotesStayAbove) {
  const std::string text = Printed(true, 4, [](ProgressLine& p) {
    p.Update(1, "1/4 calls");
    p.Note("call 7: the model refused");
    p.Update(4, "4/4 calls");
    p.Finish();
  });
  EXPECT_NE(text.find("\r\033[Kcall 7: the model refused\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\r[##############################] 4/4 calls, ETA 0:00"), std::string::npos)
      << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(ProgressLine, InALogEachUpdateIsAPlainLine) {
  const std::string text = Printed(false, 2, [](ProgressLine& p) {
    p.Update(1, "1/2 calls", "page 1: ");
    p.Update(2, "2/2 calls", "page 2: ");
    p.Finish();
  });
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("page 2: 2/2 calls, ETA 0:00\n"), std::string::npos) << text;
  EXPECT_EQ(text.find('['), std::string::npos);
}

}  // namespace
}  // namespace callbrief::app
