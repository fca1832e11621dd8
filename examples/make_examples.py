"""Regenerate examples/wavs and examples/transcripts.csv (needs Debian's flite and festival).

The examples mix engines the model never trained on (Festival) with ones it did
(espeak-ng, flite), and include two broken outputs so the report shows what a
low score looks like: a truncated file and a file whose transcript is wrong.
"""

from pathlib import Path

import soundfile as sf

from intelliscore.constants import SAMPLE_RATE
from intelliscore.train.synth import Voice, synthesize

HERE = Path(__file__).parent
ROWS = [
    ("festival_kal_01", Voice("festival", "kal_diphone"), "The birch canoe slid on the smooth planks.", None),
    ("festival_slt_02", Voice("festival", "cmu_us_slt_arctic_hts"), "Glue the sheet to the dark blue background.", None),
    ("flite_slt_03", Voice("flite", "slt"), "It is easy to tell the depth of a well.", None),
    ("espeak_f3_04", Voice("espeak", "en-us+f3", rate=160), "These days a chicken leg is a rare dish.", None),
    ("festival_kal_05", Voice("festival", "kal_diphone"), "Rice is often served in round bowls.", "truncate"),
    ("festival_slt_06", Voice("festival", "cmu_us_slt_arctic_hts"), "The juice of lemons makes fine punch.",
     "The box was thrown beside the parked truck."),
]


def main() -> None:
    wavs = HERE / "wavs"
    wavs.mkdir(exist_ok=True)
    lines = ["path,text"]
    for name, voice, said, fault in ROWS:
        audio = synthesize(said, voice)
        transcript = said
        if fault == "truncate":
            audio = audio[: len(audio) // 2]
        elif fault:
            transcript = fault  # the audio says something else
        sf.write(wavs / f"{name}.wav", audio, SAMPLE_RATE, subtype="PCM_16")
        lines.append(f'wavs/{name}.wav,"{transcript}"')
    (HERE / "transcripts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
