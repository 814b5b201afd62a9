//! Boot only: the panic hook, then the console mounts itself (standalone) unless a
//! host page asked to mount it (embedded), see `tillor_console::boot`.

fn main() {
    console_error_panic_hook::set_once();
    tillor_console::boot();
}
