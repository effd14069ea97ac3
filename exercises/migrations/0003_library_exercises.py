"""Load the shared exercise library (clinic empty) so every install has it.

The wording is ours, written for patients: plain, second person, short sentences. The data is
frozen here (not imported from app code) so that this migration means the same thing forever;
later wording changes go in a new data migration. Re-running updates the rows by slug.
"""

from django.db import migrations

LEG_STOP = (
    "Stop if your pain goes above 5 out of 10, or if pain, tingling or numbness spreads further "
    "down your leg than usual. Tell your therapist."
)
ARM_STOP = (
    "Stop if your pain goes above 5 out of 10, or if pain, tingling or numbness spreads further "
    "down your arm or into your hand more than usual. Tell your therapist."
)
BACK_STOP = (
    "Stop if your pain goes above 5 out of 10, if it spreads into your leg, or if you feel "
    "numbness or tingling you did not have before. Tell your therapist."
)
NECK_STOP = (
    "Stop if your pain goes above 5 out of 10, if you feel dizzy or sick, or if tingling or "
    "numbness spreads into your arm. Tell your therapist."
)
GLIDE_FEEL = (
    "A gentle stretch or mild tingling that goes away as soon as you move back. It should feel "
    "like a gentle slide, not a pull."
)
GLIDE_NOT_FEEL = (
    "Sharp, burning or electric pain, or tingling that stays after you stop. Do not hold the "
    "end position and do not bounce."
)

EXERCISES = [
    # --- Nerve glides ------------------------------------------------------------------------
    {
        "slug": "sciatic-nerve-slider",
        "name": "Sciatic nerve slider (lying)",
        "body_area": "leg",
        "starting_position": "Lie on your back. Hold the back of one thigh with both hands so "
        "your hip is bent and your knee points at the ceiling.",
        "movement": "Slowly straighten your knee while you point your toes away from you. Then "
        "bend your knee again while you pull your toes up towards you. Keep it smooth, like a "
        "see-saw. Do not push into pain.",
        "should_feel": GLIDE_FEEL,
        "should_not_feel": GLIDE_NOT_FEEL,
        "when_to_stop": LEG_STOP,
        "precautions": "Keep the movement small at first. Your therapist may tell you how far "
        "to go. Do not do this if it makes your leg symptoms last longer afterwards.",
        "default_sets": 2,
        "default_reps": 10,
        "default_times_per_day": 2,
    },
    {
        "slug": "slump-slider",
        "name": "Slump slider (sitting)",
        "body_area": "leg",
        "starting_position": "Sit on the edge of a chair with your back slumped a little and your "
        "hands resting on your thighs.",
        "movement": "Look up as you straighten one knee and pull your toes towards you. Then look "
        "down as you bend the knee back. Move your head and your knee at the same time, in "
        "opposite directions.",
        "should_feel": GLIDE_FEEL,
        "should_not_feel": GLIDE_NOT_FEEL,
        "when_to_stop": LEG_STOP,
        "precautions": "Start with a small movement. If it stirs up your symptoms for more than "
        "an hour afterwards, do less next time.",
        "default_sets": 2,
        "default_reps": 10,
        "default_times_per_day": 2,
    },
    {
        "slug": "femoral-nerve-slider",
        "name": "Femoral nerve slider (side lying)",
        "body_area": "leg",
        "starting_position": "Lie on your side with the leg to be treated on top. Hug your "
        "bottom knee up towards your chest. Hold your top ankle with your hand, or loop a towel "
        "round it.",
        "movement": "Gently bend your top knee, bringing your heel towards your bottom, while "
        "you tip your head back. Then let the knee straighten a little as you bring your chin "
        "down. Keep it smooth.",
        "should_feel": "A gentle stretch at the front of your thigh that eases as you move back.",
        "should_not_feel": GLIDE_NOT_FEEL,
        "when_to_stop": LEG_STOP,
        "precautions": "Do not arch your lower back. If lying on your side is painful, ask your "
        "therapist for another position.",
        "default_sets": 2,
        "default_reps": 10,
        "default_times_per_day": 1,
    },
    {
        "slug": "median-nerve-glide",
        "name": "Median nerve glide",
        "body_area": "arm_hand",
        "starting_position": "Stand or sit tall. Hold your arm out to the side at shoulder "
        "height, elbow bent, palm facing up.",
        "movement": "Slowly straighten your elbow and bend your wrist back (fingers pointing "
        "down to the floor) while you tip your head away from the arm. Then bend the elbow and "
        "wrist again as you tip your head towards the arm.",
        "should_feel": GLIDE_FEEL,
        "should_not_feel": GLIDE_NOT_FEEL,
        "when_to_stop": ARM_STOP,
        "precautions": "Keep your shoulder down, away from your ear. Start with only the wrist "
        "and elbow if the full movement is too much.",
        "default_sets": 2,
        "default_reps": 10,
        "default_times_per_day": 2,
    },
    {
        "slug": "ulnar-nerve-glide",
        "name": "Ulnar nerve glide",
        "body_area": "arm_hand",
        "starting_position": "Stand or sit tall. Hold your arm out to the side with the palm "
        "facing down and the elbow straight.",
        "movement": "Bend your elbow and turn your hand so that your palm comes up to your face, "
        "like making a mask with your finger and thumb around your eye. Then slowly straighten "
        "the arm back out.",
        "should_feel": GLIDE_FEEL,
        "should_not_feel": GLIDE_NOT_FEEL,
        "when_to_stop": ARM_STOP,
        "precautions": "Move only as far as is comfortable. Do not lean on your elbow between "
        "sets.",
        "default_sets": 2,
        "default_reps": 10,
        "default_times_per_day": 2,
    },
    {
        "slug": "radial-nerve-glide",
        "name": "Radial nerve glide",
        "body_area": "arm_hand",
        "starting_position": "Stand with your arm by your side, elbow straight, palm facing "
        "backwards.",
        "movement": "Make a loose fist with your thumb inside, then bend the wrist so your "
        "knuckles point forwards, and gently move the arm a little behind you. Tip your head "
        "away from the arm. Then relax everything back to the start.",
        "should_feel": GLIDE_FEEL,
        "should_not_feel": GLIDE_NOT_FEEL,
        "when_to_stop": ARM_STOP,
        "precautions": "Keep your shoulder down. A small movement is enough.",
        "default_sets": 2,
        "default_reps": 10,
        "default_times_per_day": 2,
    },
    # --- Lower back and hips -------------------------------------------------------------------
    {
        "slug": "lumbar-extension-in-lying",
        "name": "Lumbar extension in lying (press-up)",
        "body_area": "lower_back",
        "starting_position": "Lie on your front with your hands flat on the floor under your "
        "shoulders, as if you were about to do a push-up.",
        "movement": "Keep your hips on the floor and your back relaxed. Push up with your arms to "
        "lift your chest, only as far as is comfortable. Breathe out at the top, then lower "
        "slowly.",
        "should_feel": "Pressure or a stretch in your lower back. Leg symptoms may move up "
        "towards your back, which is a good sign.",
        "should_not_feel": "Pain that moves further down your leg, or new numbness or tingling.",
        "when_to_stop": BACK_STOP,
        "precautions": "If you cannot lie on your front, start by resting on your elbows "
        "instead. Stop if leg symptoms get worse.",
        "default_sets": 1,
        "default_reps": 10,
        "default_times_per_day": 3,
    },
    {
        "slug": "pelvic-tilt",
        "name": "Pelvic tilt",
        "body_area": "lower_back",
        "starting_position": "Lie on your back with your knees bent and your feet flat on the "
        "floor.",
        "movement": "Gently flatten your lower back into the floor by tightening your tummy and "
        "tilting your hips up a little. Hold, then relax and let your back arch a little.",
        "should_feel": "Your tummy muscles working and a gentle movement in your lower back.",
        "should_not_feel": "Sharp pain, or pain going down your leg.",
        "when_to_stop": BACK_STOP,
        "precautions": "Keep breathing. Do not hold your breath while you hold the tilt.",
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": 5,
    },
    {
        "slug": "bridge",
        "name": "Bridge",
        "body_area": "hip",
        "starting_position": "Lie on your back with your knees bent, feet flat and hip-width "
        "apart, arms by your sides.",
        "movement": "Squeeze your bottom and lift your hips until your body makes a straight "
        "line from shoulders to knees. Hold, then lower slowly, one bit of your back at a time.",
        "should_feel": "Your bottom and the back of your thighs working.",
        "should_not_feel": "Pain in your lower back, or cramp you cannot ease.",
        "when_to_stop": BACK_STOP,
        "precautions": "Do not push your hips too high or arch your back. If your hamstrings "
        "cramp, bring your feet closer to your bottom.",
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": 3,
    },
    {
        "slug": "bird-dog",
        "name": "Bird dog",
        "body_area": "lower_back",
        "starting_position": "Kneel on all fours, hands under your shoulders and knees under "
        "your hips. Keep your back flat like a table.",
        "movement": "Slowly reach one arm forward and the opposite leg back, keeping your back "
        "still and your hips level. Hold, then bring them back and swap sides.",
        "should_feel": "Your tummy, back and bottom muscles working to keep you steady.",
        "should_not_feel": "Pain in your back, or your back sagging or twisting.",
        "when_to_stop": BACK_STOP,
        "precautions": "Start by moving only the leg, or only the arm, if you wobble. Put a "
        "cushion under your knees if they hurt.",
        "default_sets": 2,
        "default_reps": 8,
        "default_hold_seconds": 5,
    },
    {
        "slug": "cat-camel",
        "name": "Cat-camel",
        "body_area": "lower_back",
        "starting_position": "Kneel on all fours, hands under your shoulders and knees under "
        "your hips.",
        "movement": "Slowly round your back up towards the ceiling and let your head drop. Then "
        "let your back dip gently down as you lift your head. Move slowly between the two.",
        "should_feel": "Your spine loosening, one part at a time.",
        "should_not_feel": "Sharp pain or pain going down your leg.",
        "when_to_stop": BACK_STOP,
        "precautions": "Stay in the comfortable middle part of the movement at first.",
        "default_sets": 1,
        "default_reps": 10,
        "default_times_per_day": 2,
    },
    {
        "slug": "clamshell",
        "name": "Clamshell",
        "body_area": "hip",
        "starting_position": "Lie on your side with your hips and knees bent and your feet "
        "together. Rest your head on your arm.",
        "movement": "Keep your feet together and lift your top knee, like a shell opening. Do "
        "not let your hips roll back. Lower slowly.",
        "should_feel": "The side of your hip and bottom working.",
        "should_not_feel": "Pain in your back or the front of your hip.",
        "when_to_stop": BACK_STOP,
        "precautions": "A small lift done well is better than a big one. Put a pillow between "
        "your knees if lying on your side is uncomfortable.",
        "default_sets": 2,
        "default_reps": 12,
    },
    {
        "slug": "piriformis-stretch",
        "name": "Piriformis stretch",
        "body_area": "hip",
        "starting_position": "Lie on your back with both knees bent. Cross one ankle over the "
        "other knee.",
        "movement": "Hold the back of the lower thigh and gently pull it towards your chest "
        "until you feel a stretch in the bottom of the crossed leg. Hold and breathe.",
        "should_feel": "A stretch deep in your bottom on the side of the crossed leg.",
        "should_not_feel": "Pain in your knee, or tingling going down your leg.",
        "when_to_stop": LEG_STOP,
        "precautions": "Do not pull hard. If your knee hurts, let the crossed leg rest lower.",
        "default_sets": 1,
        "default_reps": 3,
        "default_hold_seconds": 30,
        "default_times_per_day": 2,
    },
    {
        "slug": "hamstring-stretch",
        "name": "Hamstring stretch (lying, with a towel)",
        "body_area": "leg",
        "starting_position": "Lie on your back. Loop a towel or a belt round the sole of one "
        "foot. Keep the other leg bent with the foot on the floor.",
        "movement": "Hold the ends of the towel and slowly raise the leg with the knee nearly "
        "straight, until you feel a stretch at the back of the thigh. Hold and breathe.",
        "should_feel": "A gentle stretch at the back of your thigh.",
        "should_not_feel": "Tingling, burning or pain going into your calf or foot. That is the "
        "nerve, not the muscle: lower the leg a little.",
        "when_to_stop": LEG_STOP,
        "precautions": "Keep your toes relaxed, not pulled up, so you stretch the muscle rather "
        "than the nerve.",
        "default_sets": 1,
        "default_reps": 3,
        "default_hold_seconds": 30,
        "default_times_per_day": 2,
    },
    {
        "slug": "knee-to-chest",
        "name": "Knee to chest stretch",
        "body_area": "lower_back",
        "starting_position": "Lie on your back with both knees bent and your feet flat on the "
        "floor.",
        "movement": "Bring one knee up towards your chest and hold it with both hands. Hold, "
        "then lower it and do the other side. Later you may bring both knees up together.",
        "should_feel": "A gentle stretch in your lower back and bottom.",
        "should_not_feel": "Pain going down your leg.",
        "when_to_stop": BACK_STOP,
        "precautions": "Hold behind your thigh if holding your knee hurts.",
        "default_sets": 1,
        "default_reps": 3,
        "default_hold_seconds": 20,
    },
    {
        "slug": "lower-trunk-rotation",
        "name": "Lower trunk rotation",
        "body_area": "lower_back",
        "starting_position": "Lie on your back with your knees bent and together, feet flat.",
        "movement": "Keep your shoulders on the floor and slowly let both knees fall to one "
        "side, only as far as is comfortable. Bring them back to the middle and go to the "
        "other side.",
        "should_feel": "A gentle stretch in your lower back and the side of your hip.",
        "should_not_feel": "Sharp pain or pain going down your leg.",
        "when_to_stop": BACK_STOP,
        "precautions": "Keep it slow and small at first.",
        "default_sets": 1,
        "default_reps": 10,
    },
    {
        "slug": "abdominal-bracing",
        "name": "Tummy bracing",
        "body_area": "lower_back",
        "starting_position": "Lie on your back with your knees bent and your feet flat.",
        "movement": "Gently draw your belly button in towards your spine, as if pulling in to "
        "do up tight trousers. Keep breathing normally while you hold. Then relax.",
        "should_feel": "A light tightening low in your tummy.",
        "should_not_feel": "Your back pressing hard into the floor, or holding your breath.",
        "when_to_stop": BACK_STOP,
        "precautions": "It is a gentle squeeze, about a third of your full effort.",
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": 10,
    },
    {
        "slug": "sit-to-stand",
        "name": "Sit to stand",
        "body_area": "general",
        "starting_position": "Sit near the front of a firm chair with your feet flat and a "
        "little apart.",
        "movement": "Lean forward, push through your feet and stand up tall without using your "
        "hands if you can. Then sit back down slowly, with control.",
        "should_feel": "Your thigh and bottom muscles working.",
        "should_not_feel": "Pain in your back or knees, or feeling dizzy.",
        "when_to_stop": BACK_STOP,
        "precautions": "Use your hands on the arms of the chair if you need to. Have the chair "
        "against a wall so it cannot slide.",
        "default_sets": 2,
        "default_reps": 8,
    },
    {
        "slug": "graded-walking",
        "name": "Walking programme",
        "body_area": "general",
        "starting_position": "Wear comfortable shoes. Choose a flat route you know, where you "
        "can stop and rest.",
        "movement": "Walk at a comfortable pace for the time your therapist has set (start "
        "with about 10 minutes). Each week, if your symptoms allow, add 2 to 5 minutes.",
        "should_feel": "Warm and a little out of breath, but able to talk.",
        "should_not_feel": "Leg pain, tingling or heaviness that builds and makes you stop.",
        "when_to_stop": LEG_STOP + " Sit down and rest if your legs feel heavy or numb.",
        "precautions": "Do not add time in a week when you had a flare-up. Split the walk into "
        "two shorter walks if that is easier.",
        "default_sets": 1,
        "default_reps": 1,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
    },
    {
        "slug": "calf-stretch",
        "name": "Calf stretch against a wall",
        "body_area": "foot_ankle",
        "starting_position": "Stand facing a wall with your hands on it. Put one foot behind "
        "you with the heel on the floor and the toes pointing forwards.",
        "movement": "Bend your front knee and lean towards the wall, keeping your back leg "
        "straight and the heel down. Hold and breathe.",
        "should_feel": "A stretch in the calf of your back leg.",
        "should_not_feel": "Tingling or burning in your foot.",
        "when_to_stop": LEG_STOP,
        "precautions": "Do not bounce.",
        "default_sets": 1,
        "default_reps": 3,
        "default_hold_seconds": 30,
    },
    {
        "slug": "ankle-pumps",
        "name": "Ankle pumps",
        "body_area": "foot_ankle",
        "starting_position": "Lie on your back or sit with your legs out straight.",
        "movement": "Point your toes away from you, then pull them back towards you. Keep a "
        "steady rhythm.",
        "should_feel": "Your calf and shin muscles working, and your ankles moving freely.",
        "should_not_feel": "Cramp or pain.",
        "when_to_stop": LEG_STOP,
        "precautions": "Good to do often during the day if you sit for long periods.",
        "default_sets": 1,
        "default_reps": 20,
        "default_times_per_day": 3,
    },
    # --- Neck and upper back ------------------------------------------------------------------
    {
        "slug": "chin-tuck",
        "name": "Chin tuck",
        "body_area": "neck",
        "starting_position": "Sit or stand tall, looking straight ahead, shoulders relaxed.",
        "movement": "Gently slide your chin straight back, as if making a double chin. Keep "
        "your eyes level: do not nod. Hold, then relax.",
        "should_feel": "A stretch at the back of your neck and the muscles at the front of "
        "your neck working.",
        "should_not_feel": "Pain, dizziness, or tingling in your arm.",
        "when_to_stop": NECK_STOP,
        "precautions": "It is a small movement. You can also do it lying on your back with "
        "your head on a thin pillow.",
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": 5,
        "default_times_per_day": 3,
    },
    {
        "slug": "neck-rotation",
        "name": "Neck turns",
        "body_area": "neck",
        "starting_position": "Sit tall with your shoulders relaxed.",
        "movement": "Slowly turn your head to look over one shoulder, as far as is comfortable. "
        "Come back to the middle, then turn to the other side.",
        "should_feel": "A gentle stretch on the side of your neck.",
        "should_not_feel": "Pain, dizziness, or tingling in your arm.",
        "when_to_stop": NECK_STOP,
        "precautions": "Keep your chin level. Move slowly.",
        "default_sets": 1,
        "default_reps": 10,
        "default_times_per_day": 2,
    },
    {
        "slug": "upper-trapezius-stretch",
        "name": "Side neck stretch",
        "body_area": "neck",
        "starting_position": "Sit tall and hold the side of the chair seat with one hand to "
        "keep that shoulder down.",
        "movement": "Tip your head away from the hand on the chair, bringing your ear towards "
        "the other shoulder, until you feel a stretch. Hold and breathe.",
        "should_feel": "A stretch along the side of your neck and the top of your shoulder.",
        "should_not_feel": "Tingling or pain going into your arm.",
        "when_to_stop": NECK_STOP,
        "precautions": "Do not pull on your head with your other hand.",
        "default_sets": 1,
        "default_reps": 3,
        "default_hold_seconds": 20,
    },
    {
        "slug": "scapular-retraction",
        "name": "Shoulder blade squeeze",
        "body_area": "upper_back",
        "starting_position": "Sit or stand tall with your arms by your sides.",
        "movement": "Gently squeeze your shoulder blades back and down, as if putting them in "
        "your back pockets. Hold, then relax.",
        "should_feel": "The muscles between your shoulder blades working.",
        "should_not_feel": "Your shoulders lifting up to your ears, or neck pain.",
        "when_to_stop": NECK_STOP,
        "precautions": "Keep your chin level and your neck relaxed.",
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": 5,
    },
    {
        "slug": "wall-angel",
        "name": "Wall angel",
        "body_area": "upper_back",
        "starting_position": "Stand with your back against a wall, feet a small step away from "
        "it. Put your arms against the wall with elbows bent, like a goal post.",
        "movement": "Slowly slide your arms up the wall as far as you comfortably can, keeping "
        "your back and arms close to the wall. Slide them back down.",
        "should_feel": "Your upper back and shoulder blade muscles working, and a stretch "
        "across your chest.",
        "should_not_feel": "Pinching in your shoulder, or tingling in your hands.",
        "when_to_stop": ARM_STOP,
        "precautions": "It is fine if your arms come away from the wall a little. Do not arch "
        "your lower back to reach higher.",
        "default_sets": 2,
        "default_reps": 10,
    },
    {
        "slug": "thoracic-extension-chair",
        "name": "Upper back extension over a chair",
        "body_area": "upper_back",
        "starting_position": "Sit in a chair with a back that reaches your shoulder blades. "
        "Put your hands behind your head and bring your elbows together.",
        "movement": "Gently lean back over the top of the chair, lifting your chest towards the "
        "ceiling. Come back to sitting upright.",
        "should_feel": "Your upper back stretching and moving.",
        "should_not_feel": "Pain in your neck or lower back.",
        "when_to_stop": NECK_STOP,
        "precautions": "Support your head with your hands. Do not let your neck tip back.",
        "default_sets": 1,
        "default_reps": 10,
    },
    {
        "slug": "doorway-chest-stretch",
        "name": "Doorway chest stretch",
        "body_area": "shoulder",
        "starting_position": "Stand in a doorway. Put your forearms on the door frame with "
        "your elbows at shoulder height.",
        "movement": "Step one foot forward through the doorway until you feel a stretch across "
        "the front of your chest. Hold and breathe.",
        "should_feel": "A stretch across your chest and the front of your shoulders.",
        "should_not_feel": "Pain in your shoulder, or tingling in your arms.",
        "when_to_stop": ARM_STOP,
        "precautions": "Lower your elbows if you feel tingling in your hands.",
        "default_sets": 1,
        "default_reps": 3,
        "default_hold_seconds": 30,
    },
    # --- Forearm, wrist and hand ---------------------------------------------------------------
    {
        "slug": "wrist-flexor-stretch",
        "name": "Wrist flexor stretch",
        "body_area": "arm_hand",
        "starting_position": "Hold one arm out in front of you, elbow straight, palm facing "
        "up.",
        "movement": "With your other hand, gently bend the wrist back so the fingers point down "
        "to the floor. Hold and breathe.",
        "should_feel": "A stretch on the inside of your forearm.",
        "should_not_feel": "Tingling or numbness in your fingers.",
        "when_to_stop": ARM_STOP,
        "precautions": "Bend your elbow a little if you feel tingling in your fingers.",
        "default_sets": 1,
        "default_reps": 3,
        "default_hold_seconds": 20,
        "default_times_per_day": 2,
    },
    {
        "slug": "wrist-extensor-stretch",
        "name": "Wrist extensor stretch",
        "body_area": "arm_hand",
        "starting_position": "Hold one arm out in front of you, elbow straight, palm facing "
        "down.",
        "movement": "With your other hand, gently bend the wrist down so the fingers point to "
        "the floor. Hold and breathe.",
        "should_feel": "A stretch on the back of your forearm.",
        "should_not_feel": "Sharp pain at the elbow or tingling in your hand.",
        "when_to_stop": ARM_STOP,
        "precautions": "Keep the stretch gentle.",
        "default_sets": 1,
        "default_reps": 3,
        "default_hold_seconds": 20,
        "default_times_per_day": 2,
    },
    {
        "slug": "tendon-gliding",
        "name": "Finger tendon glides",
        "body_area": "arm_hand",
        "starting_position": "Sit with your elbow resting on a table and your hand up, fingers "
        "straight.",
        "movement": "Move slowly through five shapes: straight hand, hook fist (bend the top "
        "two finger joints), full fist, table top (bend only the knuckles) and straight fist. "
        "Hold each shape for a moment.",
        "should_feel": "Your fingers moving freely.",
        "should_not_feel": "Pain or more tingling in your fingers.",
        "when_to_stop": ARM_STOP,
        "precautions": "Go slowly and do not force a fist.",
        "default_sets": 1,
        "default_reps": 5,
        "default_hold_seconds": 3,
        "default_times_per_day": 3,
    },
]

def load_library(apps, schema_editor):
    Exercise = apps.get_model("exercises", "Exercise")
    for data in EXERCISES:
        values = {
            "default_sets": 2,
            "default_reps": 10,
            "default_hold_seconds": 0,
            "default_times_per_day": 1,
            "default_days_per_week": 7,
            **data,
        }
        slug = values.pop("slug")
        Exercise.objects.update_or_create(clinic=None, slug=slug, defaults=values)


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0002_plan_item_once_library_slug"),
    ]

    operations = [
        # Reversing leaves the rows: plans and logs may point at them.
        migrations.RunPython(load_library, migrations.RunPython.noop),
    ]
