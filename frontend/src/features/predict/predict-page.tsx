// Predict: score one row by hand (form built from the chosen model's schema), or a CSV file.
import { useState } from "react";
import { Card } from "../../components/card";
import { EmptyState, Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { PageHeader } from "../../components/page-header";
import { useModel } from "../../lib/model-context";
import type { FeatureContract, Transaction } from "../../lib/types";
import { BatchUpload } from "./batch-upload";
import { PredictForm } from "./predict-form";
import { type AnyPrediction, PredictionResultView } from "./prediction-result";
import { type PredictModel, usePredictModel } from "./use-predict-model";

function Intro({
  name,
  positive,
  textual,
}: {
  name: string | null;
  positive: string | null;
  textual: boolean;
}) {
  if (textual) {
    return (
      <>
        Score one message with the production version of <strong>{name}</strong>: paste or type it
        and see its probability of <strong>{positive}</strong>. With “Explain the score”, the words
        that pushed the score are highlighted in the text, each way. Scored messages count in its
        monitoring like any other.
      </>
    );
  }
  if (positive === "fraud") {
    return (
      <>
        Score one card transaction with the model in production. The form is built from the model's
        feature contract and starts from its example transaction: change a value (say a large amount
        at 3 am abroad) and see how the fraud probability moves. Scored transactions count in the
        live stats and drift like any other.
      </>
    );
  }
  return (
    <>
      Score one row with the production version of <strong>{name}</strong>. The form is built from
      the model's schema and starts from each feature's example: change a value and see how the
      probability of {positive ? <strong>{positive}</strong> : "its positive class"} moves. Scored
      rows count in its monitoring like any other.
    </>
  );
}

/** The form, its result and the CSV upload of one model (remounted when the model changes). */
function PredictPanels({ target }: { target: PredictModel & { contract: FeatureContract } }) {
  const { contract, classes } = target;
  const [scored, setScored] = useState<{ result: AnyPrediction; sent?: Transaction } | null>(null);
  const fraud = classes[0] === "fraud";
  const noun = fraud ? "transaction" : target.textual ? "message" : "row";
  const flagged = fraud ? "fraud probability" : `probability of ${classes[0]}`;
  return (
    <div className="grid gap-4 lg:grid-cols-12">
      <Card
        className="lg:col-span-7"
        title={fraud ? "Transaction" : target.textual ? "Message" : "Features"}
        subtitle={contract.description}
      >
        <PredictForm
          contract={contract}
          onResult={(result, sent) => setScored(result && { result, sent })}
          predictPath={target.predictPath}
          explainable={target.explainable}
          noun={noun}
        />
      </Card>
      <div className="min-w-0 space-y-4 lg:col-span-5">
        <Card
          title="Result"
          subtitle={`A ${noun} is flagged when its calibrated ${flagged} reaches the model's threshold.`}
        >
          {scored ? (
            <PredictionResultView result={scored.result} classes={classes} sent={scored.sent} />
          ) : (
            <EmptyState title={`No ${noun} scored yet`} compact>
              Press “Score {noun}”.
            </EmptyState>
          )}
        </Card>
        <BatchUpload path={target.batchPath} noun={noun} />
      </div>
    </div>
  );
}

export function PredictPage() {
  const { name, isDefault } = useModel();
  const target = usePredictModel();
  const { contract, classes, error, loading, reload } = target;
  const positive = isDefault ? "fraud" : contract ? classes[0] : null;
  return (
    <div className="space-y-4">
      <PageHeader title="Predict">
        <Intro name={name} positive={positive} textual={target.textual} />
      </PageHeader>
      {loading && <Loading />}
      {error && <ErrorBanner error={error} onRetry={reload} />}
      {contract && <PredictPanels key={contract.model_name} target={{ ...target, contract }} />}
    </div>
  );
}
