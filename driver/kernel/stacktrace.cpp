// The real C++ call stack as a kernel Call Trace: capture with the unwinder,
// symbolize with libdw (elfutils), print in the kernel's format.
#include "stacktrace.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <link.h>
#include <unistd.h>
#include <unwind.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "models/log.h"

namespace dmacosim::kernel {

namespace {

// ---------------------------------------------------------------- capture

// SystemC runs every SC_THREAD on a QuickThreads coroutine stack whose first
// frame (set up by assembly) has no unwind info and no meaningful caller.
// Unwinding stops at sc_thread_cor_fn / sc_cor_qt_wrapper, the functions that
// start a coroutine, so the unwinder never reads past the coroutine's stack.
struct Range {
  uintptr_t lo = 0, hi = 0;
  bool contains(uintptr_t a) const { return a >= lo && a < hi; }
};

Range symbol_range(const char* name) {
  Range r;
  void* p = dlsym(RTLD_DEFAULT, name);
  if (!p) return r;
  Dl_info info;
  void* extra = nullptr;
  const bool ok = dladdr1(p, &info, &extra, RTLD_DL_SYMENT) != 0;
  const auto* sym = static_cast<const ElfW(Sym)*>(extra);
  if (ok && sym && sym->st_size) {
    r.lo = reinterpret_cast<uintptr_t>(p);
    r.hi = r.lo + sym->st_size;
  } else {
    r.lo = reinterpret_cast<uintptr_t>(p);
    r.hi = r.lo + 1;  // unknown size: match the entry address only
  }
  return r;
}

const std::vector<Range>& coroutine_entries() {
  static const std::vector<Range> v = [] {
    std::vector<Range> r;
    for (const char* n : {"_ZN7sc_core16sc_thread_cor_fnEPv", "_ZN7sc_core17sc_cthread_cor_fnEPv", "sc_cor_qt_wrapper"}) {
      Range x = symbol_range(n);
      if (x.lo) r.push_back(x);
    }
    return r;
  }();
  return v;
}

struct UnwindState {
  std::vector<uintptr_t>* out;
  unsigned skip;
  unsigned max;
};

_Unwind_Reason_Code collect(struct _Unwind_Context* ctx, void* arg) {
  auto* s = static_cast<UnwindState*>(arg);
  int before_insn = 0;
  uintptr_t ip = _Unwind_GetIPInfo(ctx, &before_insn);
  if (ip == 0) return _URC_END_OF_STACK;
  if (s->skip) {
    --s->skip;
    return _URC_NO_REASON;
  }
  if (s->out->size() >= s->max) return _URC_END_OF_STACK;
  s->out->push_back(before_insn ? ip + 1 : ip);  // keep "return address" semantics
  for (const Range& r : coroutine_entries())
    if (r.contains(ip - 1)) return _URC_END_OF_STACK;  // bottom of a coroutine
  return _URC_NO_REASON;
}

// ---------------------------------------------------------------- symbols

Dwfl* the_dwfl() {
  static Dwfl* d = [] {
    static char* debuginfo_path = nullptr;
    static const Dwfl_Callbacks cb = {dwfl_linux_proc_find_elf, dwfl_standard_find_debuginfo, nullptr,
                                      &debuginfo_path};
    Dwfl* x = dwfl_begin(&cb);
    if (!x) return static_cast<Dwfl*>(nullptr);
    if (dwfl_linux_proc_report(x, getpid()) != 0 || dwfl_report_end(x, nullptr, nullptr) != 0) {
      dwfl_end(x);
      return static_cast<Dwfl*>(nullptr);
    }
    return x;
  }();
  return d;
}

// Repository root as this file's own __FILE__ names it, to print source
// paths as the tree spells them. The project's build maps the root away
// (-ffile-prefix-map, cmake/dmacosim.cmake): there it is empty and every
// path of ours is relative already. It matters for a build without the flag.
const std::string& source_root() {
  static const std::string root = [] {
    std::string f = __FILE__;
    const std::string self = "driver/kernel/stacktrace.cpp";
    if (f.size() >= self.size() && f.compare(f.size() - self.size(), self.size(), self) == 0)
      return f.substr(0, f.size() - self.size());
    return std::string();
  }();
  return root;
}

bool is_open(char c) { return c == '(' || c == '<' || c == '[' || c == '{'; }
bool is_close(char c) { return c == ')' || c == '>' || c == ']' || c == '}'; }

// Text of one qualified-name component without its argument list, template
// arguments and (for a template function) return type: the kernel prints bare
// identifiers.
std::string bare_component(const std::string& c) {
  if (c.rfind("{lambda", 0) == 0 || c.rfind("{unnamed", 0) == 0) {
    size_t e = c.find('}');
    return e == std::string::npos ? c : c.substr(0, e + 1);
  }
  if (c.rfind("operator", 0) == 0) {
    if (c.rfind("operator()", 0) == 0) return "operator()";
    size_t p = c.find('(', 9);
    return p == std::string::npos ? c : c.substr(0, p);
  }
  std::string out;
  int depth = 0;
  for (char ch : c) {
    if (ch == '(' && depth == 0) break;  // argument list
    if (is_open(ch)) {
      ++depth;
      continue;
    }
    if (is_close(ch)) {
      if (depth > 0) --depth;
      continue;
    }
    if (depth == 0) out += ch;
  }
  size_t sp = out.rfind(' ');  // "void foo" (return type of a template function)
  if (sp != std::string::npos) out = out.substr(sp + 1);
  return out;
}

// "dmacosim::kernel::Kernel::handle_interrupt()" -> "handle_interrupt";
// "Foo_Test::TestBody()::{lambda()#1}::operator()() const" -> "TestBody::{lambda()#1}";
// "foo() [clone .cold]" -> "foo.cold".
std::string kernel_name(std::string d) {
  std::string suffix;
  for (size_t p; (p = d.rfind(" [clone ")) != std::string::npos;) {
    size_t e = d.find(']', p);
    suffix = d.substr(p + 8, e == std::string::npos ? std::string::npos : e - p - 8) + suffix;
    d.erase(p);
  }
  std::vector<std::string> comps;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    char ch = d[i];
    if (d.compare(i, 10, "operator()") == 0) {
      i += 9;
      continue;
    }
    if (is_open(ch)) ++depth;
    else if (is_close(ch) && depth > 0) --depth;
    else if (depth == 0 && ch == ':' && i + 1 < d.size() && d[i + 1] == ':') {
      comps.push_back(d.substr(start, i - start));
      start = i + 2;
      ++i;
    }
  }
  comps.push_back(d.substr(start));
  std::string last = bare_component(comps.back());
  std::string name = last;
  if (last == "operator()" && comps.size() >= 2 && comps[comps.size() - 2].rfind("{lambda", 0) == 0) {
    name = bare_component(comps[comps.size() - 2]);
    // Named after the function it is written in (skipping enclosing lambdas).
    for (size_t i = comps.size() - 2; i-- > 0;) {
      const std::string b = bare_component(comps[i]);
      if (b == "operator()" || b.rfind("{lambda", 0) == 0) continue;
      name = b + "::" + name;
      break;
    }
  }
  if (name.empty()) name = d;
  return name + suffix;
}

// The last "Enclosing::fn(args)::{lambda(...)#N}" spelled inside a
// demangled name (e.g. as a template argument), or "".
std::string lambda_in(std::string d) {
  // "operator()() const::{lambda()#2}": a lambda inside a const lambda.
  for (size_t p; (p = d.find(") const::")) != std::string::npos;) d.erase(p + 1, 6);
  const size_t at = d.rfind("::{lambda(");
  if (at == std::string::npos) return "";
  const size_t end = d.find('}', at);
  if (end == std::string::npos) return "";
  size_t start = at;
  int depth = 0;
  while (start > 0) {
    const char ch = d[start - 1];
    if (is_close(ch)) ++depth;
    else if (is_open(ch)) {
      if (depth == 0) break;
      --depth;
    } else if (depth == 0 && (ch == ',' || ch == ' ')) break;
    --start;
  }
  return d.substr(start, end + 1 - start);
}

std::string demangle(const char* sym) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> p(abi::__cxa_demangle(sym, nullptr, nullptr, &status), std::free);
  return status == 0 && p ? std::string(p.get()) : std::string(sym);
}

const std::string& main_module() {
  static const std::string m = [] {
    Dwfl* d = the_dwfl();
    if (!d) return std::string();
    Dwfl_Module* mod = dwfl_addrmodule(d, reinterpret_cast<Dwarf_Addr>(&stack_trace_symbols_available));
    if (!mod) return std::string();
    const char* n = dwfl_module_info(mod, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
    return n ? basename_of(n) : std::string();
  }();
  return m;
}

// Frames that are the reporting machinery itself (dropped at the top).
bool is_machinery(const stack_frame& f) {
  const std::string b = basename_of(f.file);
  if (b == "stacktrace.cpp" || b == "lockdep_print.cpp" || b == "panic.cpp") return true;
  // Without line info (stripped build): the printers' names.
  return f.file.empty() && (f.func.rfind("stack_trace_", 0) == 0 || f.func.rfind("print_", 0) == 0 ||
                            f.func == "dump_stack" || f.func == "warn_local_bh" || f.func == "__warn");
}

// Plumbing that has no kernel counterpart: std::function invokers, the
// simulation kernel, and QuickThreads.
bool is_plumbing(const stack_frame& f) {
  if (f.full.rfind("std::", 0) == 0 || f.full.rfind("sc_core::", 0) == 0 || f.full.rfind("void std::", 0) == 0 ||
      f.full.rfind("sc_cor_qt", 0) == 0 || f.full.rfind("qt_", 0) == 0 || f.full.rfind("__invoke", 0) == 0)
    return true;
  return f.module.find("libsystemc") != std::string::npos;
}

}  // namespace

// ---------------------------------------------------------------- API

static uint64_t g_saves = 0;

uint64_t stack_trace_save_count() { return g_saves; }

std::vector<uintptr_t> stack_trace_save(unsigned skip, unsigned max_entries) {
  ++g_saves;
  std::vector<uintptr_t> v;
  v.reserve(32);
  UnwindState s{&v, skip + 1, max_entries};  // +1: this function
  _Unwind_Backtrace(collect, &s);
  return v;
}

bool stack_trace_symbols_available() { return the_dwfl() != nullptr; }

std::string basename_of(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::string source_relative(const std::string& path) {
  const std::string& root = source_root();
  if (!root.empty() && path.rfind(root, 0) == 0) return path.substr(root.size());
  return path;
}

// Name of a subprogram / inlined-subroutine DIE: its linkage name
// (demangled later) through abstract_origin / specification, else DW_AT_name.
static std::string die_name(Dwarf_Die* die) {
  Dwarf_Attribute a;
  const char* n = nullptr;
  if (dwarf_attr_integrate(die, DW_AT_linkage_name, &a) || dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a))
    n = dwarf_formstring(&a);
  if (!n && dwarf_attr_integrate(die, DW_AT_name, &a)) n = dwarf_formstring(&a);
  return n ? n : "";
}

std::vector<stack_frame> stack_trace_symbolize(uintptr_t ip) {
  static std::unordered_map<uintptr_t, std::vector<stack_frame>> cache;
  auto it = cache.find(ip);
  if (it != cache.end()) return it->second;
  stack_frame f;
  f.ip = ip;
  std::vector<stack_frame> out;
  Dwfl* d = the_dwfl();
  const Dwarf_Addr addr = ip - 1;  // the call instruction, not the one after it
  Dwfl_Module* mod = d ? dwfl_addrmodule(d, addr) : nullptr;
  if (mod) {
    const char* mname = dwfl_module_info(mod, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
    if (mname) f.module = basename_of(mname);
    GElf_Off off = 0;
    GElf_Sym sym;
    const char* name = dwfl_module_addrinfo(mod, addr, &off, &sym, nullptr, nullptr, nullptr);
    if (name) {
      f.full = demangle(name);
      f.func = kernel_name(f.full);
      f.off = off + 1;
      f.size = sym.st_size;
    }
    std::string file;
    int line = 0;
    if (Dwfl_Line* l = dwfl_module_getsrc(mod, addr)) {
      const char* src = dwfl_lineinfo(l, nullptr, &line, nullptr, nullptr, nullptr);
      if (src) file = source_relative(src);
    }
    // Inlined functions at this address, innermost first: each is named by
    // its scope, located where the previous one was called from.
    Dwarf_Addr bias = 0;
    Dwarf_Die* cu = dwfl_module_addrdie(mod, addr, &bias);
    Dwarf_Die* scopes = nullptr;
    const int n = cu ? dwarf_getscopes(cu, addr - bias, &scopes) : 0;
    Dwarf_Files* files = nullptr;
    size_t nfiles = 0;
    if (n > 0 && dwarf_getsrcfiles(cu, &files, &nfiles) != 0) files = nullptr;
    for (int i = 0; i < n; ++i) {
      const int tag = dwarf_tag(&scopes[i]);
      if (tag == DW_TAG_subprogram) break;
      if (tag != DW_TAG_inlined_subroutine) continue;
      stack_frame in;
      in.ip = ip;
      in.inlined = true;
      in.module = f.module;
      const std::string dn = die_name(&scopes[i]);
      if (!dn.empty()) {
        in.full = demangle(dn.c_str());
        in.func = kernel_name(in.full);
      }
      in.file = file;
      in.line = line;
      out.push_back(in);
      Dwarf_Attribute a;
      Dwarf_Word w = 0;
      if (files && dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &a), &w) == 0 && w < nfiles)
        if (const char* cf = dwarf_filesrc(files, w, nullptr, nullptr)) file = source_relative(cf);
      if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &a), &w) == 0) line = static_cast<int>(w);
    }
    std::free(scopes);
    f.file = file;
    f.line = line;
    // A lambda's operator() inlined into its std::function invoker carries
    // no useful name in DWARF; the invoker's name spells the lambda
    // ("std::_Function_handler<..., Foo::bar()::{lambda()#1}>::_M_invoke").
    if (!out.empty() && out.back().func == "operator()") {
      const std::string lam = lambda_in(f.full);
      if (!lam.empty()) out.back().func = kernel_name(lam + "::operator()()");
    }
  }
  out.push_back(f);
  cache.emplace(ip, out);
  return out;
}

std::vector<stack_frame> stack_trace_for_report(const std::vector<uintptr_t>& ips) {
  std::vector<stack_frame> all;
  all.reserve(ips.size());
  for (uintptr_t ip : ips)
    for (auto& f : stack_trace_symbolize(ip)) all.push_back(f);
  size_t first = 0;
  for (size_t i = 0; i < all.size() && i < 24; ++i)
    if (is_machinery(all[i])) first = i + 1;
  std::vector<stack_frame> out;
  for (size_t i = first; i < all.size(); ++i)
    if (!is_plumbing(all[i]) && !(all[i].inlined && !all[i].known())) out.push_back(all[i]);
  // Below the kthread / sc_main entry only the C runtime remains.
  while (!out.empty() && (!out.back().known() || out.back().func == "__libc_start_main" ||
                          out.back().func == "__libc_start_call_main" || out.back().func == "_start"))
    out.pop_back();
  return out;
}

std::string sym_offset(const stack_frame& f) {
  if (f.inlined && f.known()) return f.func;
  if (!f.known()) return strfmt("0x%lx", static_cast<unsigned long>(f.ip));
  return strfmt("%s+0x%lx/0x%lx", f.func.c_str(), static_cast<unsigned long>(f.off),
                static_cast<unsigned long>(f.size));
}

std::string frame_line(const stack_frame& f) {
  std::string s = sym_offset(f);
  if (!f.file.empty()) s += strfmt(" %s:%d", f.file.c_str(), f.line);
  if (!f.module.empty() && f.module != main_module()) s += " [" + f.module + "]";
  if (f.inlined) s += " [inline]";
  return s;
}

std::string stack_trace_print(const std::vector<stack_frame>& frames, unsigned spaces) {
  std::string s;
  for (const auto& f : frames) s += std::string(spaces + 1, ' ') + frame_line(f) + "\n";
  return s;
}

std::string print_call_trace(const std::vector<stack_frame>& frames) {
  // An interrupt runs on the interrupted task's stack in the model: the
  // frames up to the interrupt entry are the <IRQ> part.
  size_t irq_end = 0;
  for (size_t i = 0; i < frames.size(); ++i)
    if (frames[i].func == "handle_interrupt") irq_end = i + 1;
  std::string s = "Call Trace:\n";
  if (irq_end) {
    s += " <IRQ>\n";
    for (size_t i = 0; i < irq_end; ++i) s += " " + frame_line(frames[i]) + "\n";
    s += " </IRQ>\n";
  }
  s += " <TASK>\n";
  for (size_t i = irq_end; i < frames.size(); ++i) s += " " + frame_line(frames[i]) + "\n";
  s += " </TASK>\n";
  return s;
}

}  // namespace dmacosim::kernel
