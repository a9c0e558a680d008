#include "spl/sema/internal/modules.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "spl/sema/sema.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::sema {
namespace {
namespace fs = std::filesystem;

class Modules : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("spl_sema_modules_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "app" / "util");
    fs::create_directories(root_ / "lib" / "std");
    write("app/helpers.spl",
          "fn format_row(r: text) -> text: r\nstruct Table:\n    rows: [text]\nval WIDTH = 80\n");
    write("app/util/__init__.spl", "fn clamp(x: i64) -> i64: x\n");
    write("lib/std/strings.spl", "export fn shout(s: text) -> text: s\n");
    write("app/reexport.spl", "export use other.{hidden}\nfn visible(): pass\n");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& rel, const std::string& text) { std::ofstream(root_ / rel) << text; }

  std::vector<std::string> codes(const std::string& rel, const std::string& src) {
    Arena arena;
    std::vector<syntax::Diagnostic> diags;
    syntax::ParseResult r = syntax::parse(src, arena, diags);
    Options o = options_after(diags);
    o.path = (root_ / rel).string();
    std::vector<std::string> out;
    for (const syntax::Diagnostic& d : analyze(r.root, src, r.tokens, o))
      out.push_back(d.code + " " + d.message);
    return out;
  }

  fs::path root_;
};

using Lines = std::vector<std::string>;

TEST_F(Modules, Resolve) {
  std::string main = (root_ / "app" / "main.spl").string();
  EXPECT_EQ(internal::resolve_module(main, true, {"helpers"}), (root_ / "app" / "helpers.spl").string());
  EXPECT_EQ(internal::resolve_module(main, true, {"util"}),
            (root_ / "app" / "util" / "__init__.spl").string());
  EXPECT_EQ(internal::resolve_module(main, false, {"app", "helpers"}),
            (root_ / "app" / "helpers.spl").string());
  EXPECT_EQ(internal::resolve_module(main, false, {"std", "strings"}),
            (root_ / "lib" / "std" / "strings.spl").string());
  EXPECT_EQ(internal::resolve_module(main, true, {"nowhere"}), "");
  EXPECT_EQ(internal::resolve_module(main, true, {"app", "helpers"}), "");  // relative: beside the file only
}

TEST_F(Modules, WildcardOfAFoundModuleKeepsUndefinedNamesOn) {
  EXPECT_EQ(codes("app/main.spl", "use .helpers.*\nprint(format_row(\"a\"), Table(rows: []), WIDTH)\n"),
            Lines{});
  EXPECT_EQ(codes("app/main.spl", "use .helpers.*\nprint(format_rw(\"a\"))\n"),
            Lines{"E0401 undefined name `format_rw`"});
  EXPECT_EQ(codes("app/main.spl", "use std.strings.*\nuse .util.*\nprint(shout(\"a\"), clamp(1), nope)\n"),
            Lines{"E0401 undefined name `nope`"});
  EXPECT_EQ(codes("app/main.spl", "use app.helpers.*\nprint(format_row(\"a\"), nope)\n"),
            Lines{"E0401 undefined name `nope`"});
}

TEST_F(Modules, UnresolvedOrReexportingModulesSwitchItOff) {
  EXPECT_EQ(codes("app/main.spl", "use .nowhere.*\nprint(anything)\n"), Lines{});
  EXPECT_EQ(codes("app/main.spl", "use .helpers.*\nuse .nowhere.*\nprint(anything)\n"), Lines{});
  EXPECT_EQ(codes("app/main.spl", "use .reexport.*\nprint(hidden)\n"), Lines{});
}

}  // namespace
}  // namespace spl::sema
