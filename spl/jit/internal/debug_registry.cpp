#include "spl/jit/internal/debug_registry.hpp"

#include <elf.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <mutex>

// The GDB JIT interface: names and layout are fixed by GDB ("JIT Compilation Interface").
extern "C" {
struct jit_code_entry {
  jit_code_entry* next_entry;
  jit_code_entry* prev_entry;
  const char* symfile_addr;
  std::uint64_t symfile_size;
};
struct jit_descriptor {
  std::uint32_t version;
  std::uint32_t action_flag;  // 0 no action, 1 register, 2 unregister
  jit_code_entry* relevant_entry;
  jit_code_entry* first_entry;
};
// GDB sets a breakpoint here; the empty asm keeps the call from being optimised away.
[[gnu::noinline, gnu::used]] void __jit_debug_register_code() { asm volatile("" ::: "memory"); }
[[gnu::used]] jit_descriptor __jit_debug_descriptor = {1, 0, nullptr, nullptr};
}

namespace spl::jit {

namespace {

std::mutex& gdb_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

struct DebugRegistry::GdbEntry {
  jit_code_entry entry{};
  std::vector<char> file;
};

DebugRegistry::DebugRegistry(bool perf_map, bool gdb) : gdb_(gdb) {
  if (!perf_map) return;
  perf_map_path_ = "/tmp/perf-" + std::to_string(getpid()) + ".map";
  perf_map_ = std::fopen(perf_map_path_.c_str(), "a");
}

DebugRegistry::~DebugRegistry() {
  if (perf_map_ != nullptr) std::fclose(perf_map_);
  std::lock_guard lock(gdb_mutex());
  for (auto& e : gdb_entries_) {
    jit_code_entry* entry = &e->entry;
    if (entry->prev_entry != nullptr) entry->prev_entry->next_entry = entry->next_entry;
    else __jit_debug_descriptor.first_entry = entry->next_entry;
    if (entry->next_entry != nullptr) entry->next_entry->prev_entry = entry->prev_entry;
    __jit_debug_descriptor.relevant_entry = entry;
    __jit_debug_descriptor.action_flag = 2;
    __jit_debug_register_code();
  }
}

std::vector<char> DebugRegistry::make_symbol_file(const void* code, std::size_t size, std::string_view name) {
  // Layout: ELF header, .symtab, .strtab, .shstrtab, then 5 section headers
  // (null, .text as NOBITS at the code's address, .symtab, .strtab, .shstrtab).
  static constexpr char kShstrtab[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
  const std::uint64_t address = reinterpret_cast<std::uintptr_t>(code);
  std::string strtab(1, '\0');
  strtab.append(name);
  strtab.push_back('\0');
  Elf64_Sym syms[2] = {};
  syms[1].st_name = 1;
  syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
  syms[1].st_shndx = 1;
  syms[1].st_value = address;
  syms[1].st_size = size;
  const std::size_t symtab_at = sizeof(Elf64_Ehdr);
  const std::size_t strtab_at = symtab_at + sizeof syms;
  const std::size_t shstrtab_at = strtab_at + strtab.size();
  const std::size_t headers_at = (shstrtab_at + sizeof kShstrtab + 7) & ~std::size_t{7};
  std::vector<char> file(headers_at + 5 * sizeof(Elf64_Shdr), 0);

  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
  eh.e_type = ET_EXEC;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_entry = address;
  eh.e_shoff = headers_at;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 5;
  eh.e_shstrndx = 4;
  std::memcpy(file.data(), &eh, sizeof eh);
  std::memcpy(file.data() + symtab_at, syms, sizeof syms);
  std::memcpy(file.data() + strtab_at, strtab.data(), strtab.size());
  std::memcpy(file.data() + shstrtab_at, kShstrtab, sizeof kShstrtab);

  Elf64_Shdr sh[5] = {};
  sh[1].sh_name = 1;  // .text
  sh[1].sh_type = SHT_NOBITS;
  sh[1].sh_flags = SHF_ALLOC | SHF_EXECINSTR;
  sh[1].sh_addr = address;
  sh[1].sh_size = size;
  sh[1].sh_addralign = 16;
  sh[2].sh_name = 7;  // .symtab
  sh[2].sh_type = SHT_SYMTAB;
  sh[2].sh_offset = symtab_at;
  sh[2].sh_size = sizeof syms;
  sh[2].sh_link = 3;
  sh[2].sh_info = 1;  // index of the first global symbol
  sh[2].sh_addralign = 8;
  sh[2].sh_entsize = sizeof(Elf64_Sym);
  sh[3].sh_name = 15;  // .strtab
  sh[3].sh_type = SHT_STRTAB;
  sh[3].sh_offset = strtab_at;
  sh[3].sh_size = strtab.size();
  sh[3].sh_addralign = 1;
  sh[4].sh_name = 23;  // .shstrtab
  sh[4].sh_type = SHT_STRTAB;
  sh[4].sh_offset = shstrtab_at;
  sh[4].sh_size = sizeof kShstrtab;
  sh[4].sh_addralign = 1;
  std::memcpy(file.data() + headers_at, sh, sizeof sh);
  return file;
}

void DebugRegistry::add(const void* code, std::size_t size, std::string_view name) {
  if (perf_map_ != nullptr) {
    std::fprintf(perf_map_, "%lx %zx %.*s\n", static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(code)), size,
                 static_cast<int>(name.size()), name.data());
    std::fflush(perf_map_);  // perf may read the map while we still run
  }
  if (!gdb_) return;
  auto e = std::make_unique<GdbEntry>();
  e->file = make_symbol_file(code, size, name);
  e->entry.symfile_addr = e->file.data();
  e->entry.symfile_size = e->file.size();
  std::lock_guard lock(gdb_mutex());
  e->entry.next_entry = __jit_debug_descriptor.first_entry;
  if (e->entry.next_entry != nullptr) e->entry.next_entry->prev_entry = &e->entry;
  __jit_debug_descriptor.first_entry = &e->entry;
  __jit_debug_descriptor.relevant_entry = &e->entry;
  __jit_debug_descriptor.action_flag = 1;
  __jit_debug_register_code();
  gdb_entries_.push_back(std::move(e));
}

}  // namespace spl::jit
