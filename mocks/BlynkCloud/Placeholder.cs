namespace ParticleBlynk.BlynkCloud; internal static class Placeholder { }
