//! Compiles the text language's grammar (grammar/*.lalrpop) with lalrpop.
fn main() {
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .emit_rerun_directives(true)
        .process()
        .expect("grammar/ must compile with lalrpop");
}
