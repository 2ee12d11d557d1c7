"""The branded report against the unbranded one (issue 16): target <= 1.1x.

On the demo scan (seed_demo), in Dutch, in one run: the report's whole render
(`build_report_context` + `render_pdf`, as the worker does it) with the demo
consultant's branding profile (a 600×200 logo, an accent colour, contact line and
footer) against the same scan without a profile. The two alternate call by call, so
a noisy neighbour slows both alike; CPU time, median of the runs. The consultant's
word (foreword, three recommendations, commentaries) adds text of its own and is
reported as (info): its cost is that of its pages, not of branding.
"""

import gc
import io
import statistics
import time

from bench.bench_report import _demo

TARGET = 1.1
RUNS = 7


def _logo():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (600, 200), (122, 31, 92)).save(out, "PNG")
    return out.getvalue(), "png"


def run(client, base):
    from assessments.branding import branding_save, consultant_word_save
    from assessments.branding.models import BrandingProfile, ConsultantWord
    from assessments.report import build_report_context, render_pdf

    assessment = _demo(client)
    owner = assessment.partnership.owner
    fields = {
        "firm_name": "Adviesbureau Rits",
        "accent_colour": "#7a1f5c",
        "contact_name": "Kim de Vries",
        "contact_email": "kim@rits.example",
        "contact_phone": "+31 20 123 4567",
        "footer_text": "Adviesbureau Rits · vertrouwelijk",
    }

    def unbranded():
        BrandingProfile.objects.filter(consultant=owner).delete()
        ConsultantWord.objects.filter(assessment=assessment).delete()

    def branded(with_word=False):
        branding_save(consultant=owner, fields=fields, logo=_logo())
        if with_word:
            consultant_word_save(
                assessment=assessment,
                foreword="Beide partners zijn <strong>klaar</strong>.\n\n" * 4,
                recommendations=["Leg de afspraken vast", "Begin klein", "Evalueer"],
                commentary={"RS4": "Contracten verdienen een eigen gesprek."},
            )

    def render():
        render_pdf(build_report_context(assessment, "nl"))

    cases = {"plain": unbranded, "branded": branded, "word": lambda: branded(True)}
    timings = {name: [] for name in cases}
    for setup in cases.values():  # warm-up
        setup()
        render()
    for _ in range(RUNS):
        for name, setup in cases.items():
            setup()  # not timed: the profile is in place before the render
            gc.collect()
            start = time.process_time()
            render()
            timings[name].append(time.process_time() - start)
    unbranded()
    figure = {name: statistics.median(values) for name, values in timings.items()}
    branded_ratio = figure["branded"] / figure["plain"]
    return [
        {
            "name": "report: unbranded render (median CPU)",
            "value": figure["plain"] * 1000,
            "unit": "ms",
        },
        {
            "name": "report: branded / unbranded render",
            "value": branded_ratio,
            "unit": "x",
            "target": f"<= {TARGET}",
            "ok": branded_ratio <= TARGET,
        },
        {
            "name": "(info) report: branded with the consultant's word / unbranded",
            "value": figure["word"] / figure["plain"],
            "unit": "x",
        },
    ]
