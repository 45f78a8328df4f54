// `sqlx::migrate!` embeds the migrations at compile time; without this, adding or editing a
// migration would not rebuild the crate and the binary would run the old set.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
