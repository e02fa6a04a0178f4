//! Compiles the text language's grammars (grammar/*.lalrpop) with lalrpop.
fn main() {
    // The directory too, so that a new grammar file reruns this script.
    println!("cargo:rerun-if-changed=grammar");
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .emit_rerun_directives(true)
        .process()
        .expect("grammar/ must compile with lalrpop");
}
