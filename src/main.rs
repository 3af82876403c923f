mod collect;
mod permissions;
fn main() {}
