//! Rego's side: `national.rego` run by regorus, in its interpreter and, compiled, on its
//! virtual machine (RVM). The policy is loaded once; each case is one input.

use regorus::Value;
use regorus::rvm::RegoVM;

use crate::outcomes::{OUTCOMES, Outcomes};

/// The policy text.
pub const POLICY: &str = include_str!("../national.rego");

/// The rule that gathers every outcome into one object.
pub const ENTRY: &str = "data.cspr.national.outcomes";

/// The interpreter with the policy loaded.
pub struct Interpreter {
    engine: regorus::Engine,
}

impl Interpreter {
    pub fn new() -> Result<Interpreter, String> {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("national.rego".into(), POLICY.into())
            .map_err(|e| e.to_string())?;
        Ok(Interpreter { engine })
    }

    /// Parse a case's JSON text as the input and evaluate the outcomes.
    pub fn eval(&mut self, case_json: &str) -> Result<Value, String> {
        self.engine
            .set_input_json(case_json)
            .map_err(|e| e.to_string())?;
        self.engine
            .eval_rule(ENTRY.into())
            .map_err(|e| e.to_string())
    }
}

/// The policy compiled for the RVM.
pub struct Vm {
    vm: RegoVM,
}

impl Vm {
    pub fn new() -> Result<Vm, String> {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("national.rego".into(), POLICY.into())
            .map_err(|e| e.to_string())?;
        let compiled = engine
            .compile_with_entrypoint(&ENTRY.into())
            .map_err(|e| e.to_string())?;
        let program =
            regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[ENTRY])
                .map_err(|e| e.to_string())?;
        let mut vm = RegoVM::new_with_policy(compiled);
        vm.load_program(program);
        vm.set_data(Value::new_object())
            .map_err(|e| e.to_string())?;
        Ok(Vm { vm })
    }

    /// Parse a case's JSON text as the input and run the outcomes' entry point.
    pub fn eval(&mut self, case_json: &str) -> Result<Value, String> {
        let input = Value::from_json_str(case_json).map_err(|e| e.to_string())?;
        self.eval_input(input)
    }

    /// Run the outcomes' entry point on an input already parsed.
    pub fn eval_input(&mut self, input: Value) -> Result<Value, String> {
        self.vm.set_input(input);
        self.vm
            .execute_entry_point_by_name(ENTRY)
            .map_err(|e| e.to_string())
    }
}

/// The outcomes object as [`Outcomes`] (an outcome missing or of another type is `None`).
pub fn outcomes(value: &Value) -> Outcomes {
    OUTCOMES
        .iter()
        .map(|(name, _)| match &value[*name] {
            Value::Bool(b) => Some(b.to_string()),
            Value::String(s) => Some(s.to_string()),
            _ => None,
        })
        .collect()
}
