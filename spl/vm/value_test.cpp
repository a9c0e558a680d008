#include "spl/vm/value.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "spl/vm/objects.hpp"

namespace spl::vm {

TEST(Value, IntegersKeepTheFullI64Range) {
  for (std::int64_t i : {std::int64_t{0}, std::int64_t{-1}, Value::kIntMax, Value::kIntMin, Value::kIntMax + 1, Value::kIntMin - 1,
                         INT64_MAX, INT64_MIN}) {
    Value v = Value::integer(i);
    EXPECT_TRUE(v.is_int());
    EXPECT_EQ(v.as_int(), i);
    EXPECT_EQ(v.is_int48(), Value::fits48(i));
    release(v);
  }
}

TEST(Value, DoublesAreStoredUnboxedAndNaNIsCanonical) {
  for (double d : {0.0, -0.0, 1.5, -1e300, 1e-300, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    Value v = Value::of_double(d);
    EXPECT_TRUE(v.is_double());
    EXPECT_FALSE(v.is_obj());
    EXPECT_EQ(std::bit_cast<std::uint64_t>(v.dbl()), std::bit_cast<std::uint64_t>(d));
  }
  Value nan = Value::of_double(-std::numeric_limits<double>::quiet_NaN());
  EXPECT_TRUE(nan.is_double());
  EXPECT_FALSE(values_equal(nan, nan));
}

RC_GTEST_PROP(Value, IntegerRoundTrip, (std::int64_t i)) {
  Value v = Value::integer(i);
  RC_ASSERT(v.is_int());
  RC_ASSERT(!v.is_double());
  RC_ASSERT(v.as_int() == i);
  Value again = Value::integer(i);
  RC_ASSERT(value_hash(v) == value_hash(again));
  release(again);
  release(v);
}

RC_GTEST_PROP(Value, DoubleRoundTrip, (double d)) {
  Value v = Value::of_double(d);
  RC_ASSERT(v.is_double());
  if (d == d) RC_ASSERT(std::bit_cast<std::uint64_t>(v.dbl()) == std::bit_cast<std::uint64_t>(d));
}

// The interpreter's 48-bit fast paths against plain i64 arithmetic: the result when it fits 48
// bits, a refusal (the caller then boxes or panics) exactly when it does not.
RC_GTEST_PROP(Value, Scaled48ArithmeticMatchesI64, ()) {
  auto small = rc::gen::inRange<std::int64_t>(Value::kIntMin, Value::kIntMax + 1);
  std::int64_t a = *rc::gen::oneOf(small, rc::gen::element(Value::kIntMin, Value::kIntMax, std::int64_t{0}, std::int64_t{-1}));
  std::int64_t b = *rc::gen::oneOf(small, rc::gen::element(Value::kIntMin, Value::kIntMax, std::int64_t{1}, std::int64_t{-1}));
  Value x = Value::small_int(a), y = Value::small_int(b), r = Value::nil();
  RC_ASSERT(Value::both_int48(x, y));
  RC_ASSERT(!Value::both_int48(x, Value::of_double(1.0)));
  RC_ASSERT(!Value::both_int48(Value::nil(), y));
  RC_ASSERT(Value::add48(x, y, r) == Value::fits48(a + b));
  if (Value::fits48(a + b)) RC_ASSERT(r.int48() == a + b);
  RC_ASSERT(Value::sub48(x, y, r) == Value::fits48(a - b));
  if (Value::fits48(a - b)) RC_ASSERT(r.int48() == a - b);
  std::int64_t p = 0;
  bool fits = !__builtin_mul_overflow(a, b, &p) && Value::fits48(p);
  RC_ASSERT(Value::mul48(x, y, r) == fits);
  if (fits) RC_ASSERT(r.int48() == p);
}

TEST(Value, StructuralEqualityAndHashAgree) {
  Value a = make_array({Value::small_int(1), make_str("x")});
  Value b = make_array({Value::small_int(1), make_str("x")});
  EXPECT_TRUE(values_equal(a, b));
  EXPECT_EQ(value_hash(a), value_hash(b));
  EXPECT_TRUE(values_equal(Value::small_int(2), Value::of_double(2.0)));
  EXPECT_EQ(value_hash(Value::small_int(2)), value_hash(Value::of_double(2.0)));
  release(a);
  release(b);
}

TEST(Value, DisplayFormats) {
  Value t = make_array({Value::small_int(1), make_str("a"), Value::nil()}, ObjType::Tuple);
  EXPECT_EQ(to_display(t), "(1, \"a\", nil)");
  EXPECT_EQ(to_display(Value::of_double(2.0)), "2.0");
  EXPECT_EQ(to_display(Value::of_double(0.1)), "0.1");
  EXPECT_EQ(to_display(Value::of_bool(true)), "true");
  release(t);
}

}  // namespace spl::vm
