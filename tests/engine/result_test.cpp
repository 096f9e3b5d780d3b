#include "engine/result.hpp"

#include <gtest/gtest.h>

namespace heat {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return Error::invalid("value", "must be positive");
  return v;
}

TEST(Result, CarriesValueOrTypedError) {
  auto ok = parse_positive(3);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 3);

  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  ASSERT_EQ(bad.error().fields.size(), 1u);
  EXPECT_EQ(bad.error().fields[0].field, "value");
}

TEST(Result, ValueOfAnErrorIsABugAndThrows) {
  auto bad = parse_positive(0);
  EXPECT_THROW((void)bad.value(), std::logic_error);
}

}  // namespace
}  // namespace heat
